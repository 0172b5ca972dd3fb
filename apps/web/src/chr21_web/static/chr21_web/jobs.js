// Upload progress and live job status, without reloading the page. Served by the app itself
// (no CDN); the pages work without it too (a plain form post, a reload to see progress).
"use strict";

const POLL_MS = 1000;

// The upload form: sent by XMLHttpRequest, whose upload events give the progress.
const form = document.querySelector("form[data-upload]");
if (form) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const bar = form.querySelector("progress");
    const status = form.querySelector("[data-upload-status]");
    const request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    request.setRequestHeader("Accept", "application/json");
    request.upload.addEventListener("progress", (progress) => {
      if (progress.lengthComputable) {
        bar.hidden = false;
        bar.value = Math.round((progress.loaded / progress.total) * 100);
        status.textContent = `uploading: ${bar.value}%`;
      }
    });
    request.addEventListener("load", () => {
      let answer = {};
      try {
        answer = JSON.parse(request.responseText);
      } catch (error) {
        answer = { detail: `the upload failed (${request.status})` };
      }
      if (request.status === 201 && answer.location) {
        window.location.assign(answer.location);
      } else {
        const reason = answer.detail || `the upload failed (${request.status})`;
        // Not the user's to mend: the reference to quote, which finds the request's logs.
        const reference = request.status >= 500 && answer.request_id ? ` (reference: ${answer.request_id})` : "";
        status.textContent = `${reason}${reference}`;
      }
    });
    request.addEventListener("error", () => {
      status.textContent = "the upload was cut off: check the file's size and try again";
    });
    request.send(new FormData(form));
  });
}

// One job's page: poll its status; when it finishes, fetch the page and swap in its content.
const live = document.querySelector("[data-live-job]");
if (live && live.dataset.finished !== "true") {
  const timer = setInterval(async () => {
    const answer = await fetch(live.dataset.liveJob, { headers: { Accept: "application/json" } });
    if (!answer.ok) return;
    const job = await answer.json();
    live.querySelector("[data-field=status]").textContent = job.status;
    live.querySelector("progress").value = job.progress;
    if (job.status === "succeeded" || job.status === "failed") {
      clearInterval(timer);
      const page = new DOMParser().parseFromString(await (await fetch(window.location.href)).text(), "text/html");
      live.replaceWith(page.querySelector("[data-live-job]"));
    }
  }, POLL_MS);
}

// The job list: poll the statuses of the jobs shown.
const table = document.querySelector("[data-live-jobs]");
if (table) {
  setInterval(async () => {
    const answer = await fetch(table.dataset.liveJobs, { headers: { Accept: "application/json" } });
    if (!answer.ok) return;
    for (const job of (await answer.json()).jobs) {
      const row = table.querySelector(`tr[data-job="${job.id}"]`);
      if (row) {
        row.querySelector("[data-field=status]").textContent = job.status;
        row.querySelector("progress").value = job.progress;
      }
    }
  }, POLL_MS);
}
