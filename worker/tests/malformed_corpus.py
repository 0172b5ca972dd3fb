"""Malformed and awkward input files, with what each must end as.

Each case is (name, content, outcome, reason): the outcome is "refused" (POST /jobs answers
415 with the reason, before any job exists), "failed" (the job fails with the reason) or
"succeeded" (with `reason` invalid records). Generated here, not committed, so that a 10 MB
line or a gzip bomb costs nothing in the repository.
"""

import gzip

GOOD = b"chr21\t25880535\t25880600\tin_app\n"
VCF_HEADER = b"##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"


def _gzip_bomb() -> bytes:
    # 64 MB of one valid record compresses ~1000 times: past the 100x expansion bound.
    return gzip.compress(GOOD * (64 * 1024 * 1024 // len(GOOD)), compresslevel=6, mtime=0)


def _truncated_gzip() -> bytes:
    whole = gzip.compress(GOOD * 50_000, mtime=0)
    return whole[: len(whole) // 2]


def cases() -> list[tuple[str, bytes, str, str | int]]:
    return [
        ("empty.bed", b"", "refused", "empty"),
        ("blank.bed", b"\n\n   \n\t\n", "refused", "empty"),
        ("only-headers.bed", b"# comment\ntrack name=x\nbrowser position chr21\n", "refused", "no record"),
        ("random.bin", bytes(range(256)) * 64, "refused", "binary"),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64, "refused", "binary"),
        ("utf16.bed", "chr21\t100\t200\n".encode("utf-16"), "refused", "UTF-16"),
        ("two-columns.bed", b"chr21\t100\n", "refused", "neither a BED record"),
        ("spaces.bed", b"chr21 100 200\n", "refused", "separated by spaces"),
        ("csv.bed", b"chr21,100,200\n", "refused", "neither a BED record"),
        ("page.html", b"<html><body>genes</body></html>\n", "refused", "neither a BED record"),
        ("data.json", b'{"chrom": "chr21", "start": 1}\n', "refused", "neither a BED record"),
        ("negative-first.bed", b"chr21\t-5\t10\n", "refused", "neither a BED record"),
        ("vcf-no-header.vcf", b"21\t100\trs1\tA\tG\t.\t.\t.\n", "refused", "lacks VCF's first line"),
        ("fake.gz", b"\x1f\x8b\x08\x00garbage that is not deflate", "refused", "cannot be decompressed"),
        ("zeros-bomb.bed.gz", gzip.compress(b"\x00" * 10_000_000, mtime=0), "refused", "binary"),
        ("latin1-later.bed", GOOD + b"chr21\t1\t2\tcaf\xe9\n", "failed", "line 2 is not UTF-8"),
        (
            "ten-mb-line.bed",
            b"chr21\t1\t2\t" + b"x" * (10 * 1024 * 1024) + b"\n",
            "failed",
            "line 1 is longer",
        ),
        ("bomb.bed.gz", _gzip_bomb(), "failed", "gzip bomb"),
        ("truncated.bed.gz", _truncated_gzip(), "failed", "breaks off"),
        ("vcf-no-chrom-line.vcf", b"##fileformat=VCFv4.2\n21\t100\trs1\tA\tG\t.\t.\t.\n", "failed", "#CHROM"),
        ("mixed-columns.bed", GOOD + b"chr21\t100\n" + b"chr21\n" + GOOD, "succeeded", 2),
        ("non-numeric.bed", GOOD + b"chr21\tabc\t200\n" + b"chr21\t1.5\t200\n", "succeeded", 2),
        ("negative-later.bed", GOOD + b"chr21\t-5\t10\n", "succeeded", 1),
        ("reversed.bed", GOOD + b"chr21\t500\t400\n", "succeeded", 1),
        ("past-the-end.bed", GOOD + b"chr21\t46709983\t46709999\n", "succeeded", 1),
        ("thirteen-digits.bed", GOOD + b"chr21\t1\t1234567890123\n", "succeeded", 1),
        ("unicode-digits.bed", GOOD + "chr21\t\u00b2\t5\n".encode(), "succeeded", 1),
        ("crlf.bed", GOOD.replace(b"\n", b"\r\n") * 3, "succeeded", 0),
        ("cr-only.bed", GOOD.replace(b"\n", b"\r") * 3, "succeeded", 0),
        ("mixed-formats.bed", GOOD + b"21\t100\trs1\tA\tG\t.\t.\t.\n", "succeeded", 1),
        ("other-chromosomes.bed", GOOD + b"chr1\t1\t2\nchr21_KI270872v1_alt\t1\t2\n", "succeeded", 0),
        (
            "vcf-bad-records.vcf",
            VCF_HEADER + b"21\tx\trs1\tA\tG\t.\t.\t.\n21\t5\trs2\tZ\tG\t.\t.\t.\n"
            b"21\t7\trs3\tA\n21\t0\trs4\tA\tG\t.\t.\t.\n",
            "succeeded",
            4,
        ),
        ("vcf-only-header.vcf", VCF_HEADER, "succeeded", 0),
        ("genes-unknown.txt", b"APP\nNOT_A_GENE\nENSG00000142192.20\nBRCA1\n", "succeeded", 2),
        ("genes-with-spaces.txt", b"APP\nSOD1 SOD1\n", "succeeded", 1),
        ("bom-crlf.bed", b"\xef\xbb\xbf" + GOOD.replace(b"\n", b"\r\n") * 3, "succeeded", 0),
        ("bom.vcf", b"\xef\xbb\xbf" + VCF_HEADER + b"21\t100\trs1\tA\tG\t.\t.\t.\n", "succeeded", 0),
        ("bom-genes.txt", b"\xef\xbb\xbfAPP\r\nSOD1\r\n", "succeeded", 0),
        ("gzip-crlf.bed.gz", gzip.compress(GOOD.replace(b"\n", b"\r\n") * 10, mtime=0), "succeeded", 0),
    ]
