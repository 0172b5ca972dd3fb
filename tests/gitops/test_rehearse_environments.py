"""Each environment, as rendered once for the session, synced into a fresh control plane by
gitops rehearse's sync (what `gitops rehearse ENV` prints is this rehearsal's report): every
object of every Application, and every Application, applied; nothing refused. The faults the
rehearsal catches: tests/controlplane/test_rehearse.py."""

from tests.support.gitops import controlplane, rehearse


def test_the_environment_rehearses_clean(rendered):
    applications = rehearse.load_rendered(rendered.out)
    with controlplane.running() as plane:
        result = rehearse.rehearse(rehearse.Api(plane.api), applications, progress=lambda _: None)
    text, refused = rehearse.report(result, applications)
    assert not refused, text
    assert len(applications) == len(rendered.applications())
    for app in applications:
        applied = result.outcomes[app.name].applied
        assert f"Application argocd/{app.name}" in applied, text
        # Each object Argo CD syncs once (a hook of two phases counts once; helm's test hooks
        # are never synced), and the Application.
        synced = {task.ref for task in rehearse.tasks_of(app)}
        assert len(applied) == len(synced) + 1, (app.name, text)
