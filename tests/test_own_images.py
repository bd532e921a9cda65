"""Importing a person's images: every mode converts, every kind of bad input is reported and the good is kept."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from gan_core.cli import main as cli_main
from gan_core.data import SourceKind, load_dataset
from gan_core.data.import_limits import ImportLimits
from gan_core.data.own_images import import_images, save_dataset_folder
from gan_core.errors import ImageImportError


def encode(img: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def colour_image(seed: int, size: tuple[int, int] = (48, 40)) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8), "RGB")


def good_uploads(n: int) -> list[tuple[str, bytes]]:
    return [(f"img{i:02d}.png", encode(colour_image(i))) for i in range(n)]


def make_zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buf.getvalue()


def skipped(result) -> dict[str, str]:
    return {item.name: item.detail for item in result.report.items if not item.ok}


SMALL = ImportLimits(min_images=2)


def test_every_pillow_mode_becomes_rgb_or_gray_at_the_requested_size() -> None:
    rgb = colour_image(0)
    gray16 = Image.fromarray(np.full((32, 32), 65535, np.uint16)).convert("I;16")
    half16 = Image.fromarray(np.full((32, 32), 32896, np.uint16)).convert("I;16")
    rgba = Image.new("RGBA", (32, 32), (255, 0, 0, 0))  # fully transparent red: composited onto white
    palette = rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    uploads = [
        ("rgb.png", encode(rgb)),
        ("gray.png", encode(rgb.convert("L"))),
        ("bilevel.png", encode(rgb.convert("1"))),
        ("rgba.png", encode(rgba)),
        ("la.png", encode(rgb.convert("LA"))),
        ("palette.gif", encode(palette, "GIF")),
        ("sixteen.png", encode(gray16)),
        ("half16.png", encode(half16)),
        ("cmyk.jpg", encode(rgb.convert("CMYK"), "JPEG")),
        ("photo.webp", encode(rgb, "WEBP")),
        ("scan.tiff", encode(rgb, "TIFF")),
        ("paint.bmp", encode(rgb, "BMP")),
    ]
    result = import_images(uploads=uploads, size=32, limits=SMALL)
    assert skipped(result) == {}
    assert result.images.shape == (12, 32, 32, 3)  # one colour image makes the whole set RGB
    by_name = dict(zip(result.names, result.images, strict=True))
    assert np.all(by_name["sixteen.png"] == 255)  # 16-bit white stays white, scaled rather than clipped
    assert np.all(np.abs(by_name["half16.png"].astype(int) - 128) <= 1)  # 32896 / 257 = 128
    assert np.all(by_name["rgba.png"] == 255)  # transparency becomes the white background
    assert "I;16" in dict((i.name, i.detail) for i in result.report.items)["sixteen.png"]


def test_grayscale_only_sets_keep_one_channel() -> None:
    uploads = [(f"g{i}.png", encode(colour_image(i).convert("L"))) for i in range(3)]
    result = import_images(uploads=uploads, size=32, limits=SMALL)
    assert result.images.shape == (3, 32, 32, 1)


def test_centre_crop_keeps_the_middle_of_a_wide_image() -> None:
    wide = np.zeros((60, 180, 3), np.uint8)
    wide[:, :60, 0], wide[:, 60:120, 1], wide[:, 120:, 2] = 255, 255, 255  # red | green | blue thirds
    result = import_images(uploads=[("wide.png", encode(Image.fromarray(wide)))] * 2, size=32, limits=SMALL)
    centre = result.images[0].reshape(-1, 3).mean(axis=0)
    assert centre[1] > 250 and centre[0] < 5 and centre[2] < 5


def test_corrupt_truncated_and_non_image_files_are_itemised_and_good_files_kept() -> None:
    png = encode(colour_image(7, (200, 200)))
    uploads = [
        *good_uploads(3),
        ("truncated.png", png[: len(png) // 2]),
        ("noise.png", np.random.default_rng(1).integers(0, 256, 4000, dtype=np.uint8).tobytes()),
        ("notes.txt", b"just some text, not a picture\n"),
        ("empty.jpg", b""),
        ("tiny.png", encode(Image.new("RGB", (4, 4)))),
    ]
    result = import_images(uploads=uploads, size=32, limits=SMALL)
    problems = skipped(result)
    assert result.report.imported == 3 and result.report.skipped == 5
    assert "truncated" in problems["truncated.png"] or "corrupt" in problems["truncated.png"]
    assert problems["noise.png"] == "not an image Pillow can read"
    assert problems["notes.txt"] == "not an image Pillow can read"
    assert problems["empty.jpg"] == "not an image Pillow can read"
    assert "too small" in problems["tiny.png"]
    assert result.report.summary == "imported 3 images, skipped 5"


def test_zip_slip_entries_are_refused_and_the_rest_imported(tmp_path: Path) -> None:
    entries = {f"pics/{n}": d for n, d in good_uploads(3)}
    entries["../../escape.png"] = encode(colour_image(9))
    entries["/etc/absolute.png"] = encode(colour_image(10))
    entries["pics/../../also_escapes.png"] = encode(colour_image(11))
    entries["C:\\windows\\drive.png"] = encode(colour_image(12))
    entries["__MACOSX/pics/._img00.png"] = b"\x00\x05\x16\x07"
    archive = make_zip(entries)
    result = import_images(uploads=[("upload.zip", archive)], size=32, limits=SMALL)
    problems = skipped(result)
    assert result.report.imported == 3
    for bad in ("../../escape.png", "/etc/absolute.png", "pics/../../also_escapes.png", "C:\\windows\\drive.png"):
        assert "escapes the target folder" in problems[f"upload.zip/{bad}"]
    assert problems["upload.zip/__MACOSX/pics/._img00.png"] == "system file, not an image"
    assert not any(tmp_path.parent.glob("**/escape.png"))  # nothing was written anywhere


def test_high_ratio_zip_entry_is_refused_as_a_bomb() -> None:
    bomb = b"\x00" * (20 * 2**20)  # 20 MB of zeros deflates about 1000:1
    archive = make_zip({"bomb.png": bomb, **dict(good_uploads(2))})
    assert len(archive) < 100_000
    result = import_images(uploads=[("bomb.zip", archive)], size=32, limits=SMALL)
    assert "zip bomb" in skipped(result)["bomb.zip/bomb.png"]
    assert result.report.imported == 2


def test_zip_with_too_many_entries_is_refused_whole() -> None:
    archive = make_zip({f"f{i}.png": b"x" for i in range(60)})
    result = import_images(uploads=[("many.zip", archive), *good_uploads(2)], limits=ImportLimits(max_files=50))
    assert any("60 files, over the cap of 50" in r for r in result.report.refused)
    assert result.report.imported == 2  # the other uploads still count


def test_total_uncompressed_size_is_capped() -> None:
    files = {f"big{i}.png": encode(colour_image(i, (400, 400)), compress_level=0) for i in range(4)}
    limits = ImportLimits(max_total_bytes=1_000_000, min_images=1)
    result = import_images(uploads=[("big.zip", make_zip(files, zipfile.ZIP_STORED))], size=32, limits=limits)
    assert result.report.imported == 2  # 480 kB each: the third would pass 1 MB
    assert "passes 1.0 MB" in skipped(result)["big.zip/big2.png"] or any("MB" in r for r in result.report.refused)


def test_not_a_zip_at_all_is_reported() -> None:
    result = import_images(uploads=[("broken.zip", b"PK\x03\x04 but then garbage"), *good_uploads(2)], limits=SMALL)
    assert any("not a readable zip" in r for r in result.report.refused)
    assert result.report.imported == 2


def test_decompression_bombs_are_refused_before_decoding() -> None:
    big = encode(Image.new("1", (7_000, 7_000)))  # 49 megapixels: over our cap, under Pillow's
    huge = encode(Image.new("1", (20_000, 20_000)))  # 400 megapixels: over Pillow's own guard too
    assert len(huge) < 200_000
    result = import_images(uploads=[("big.png", big), ("huge.png", huge), *good_uploads(2)], limits=SMALL)
    problems = skipped(result)
    assert "7000x7000 pixels is over the cap of 40,000,000" in problems["big.png"]
    assert "decompression bomb" in problems["huge.png"]
    assert result.report.imported == 2


def test_a_few_good_images_are_kept_and_the_report_says_what_training_needs(tmp_path: Path) -> None:
    """Issue 13.11: 6 good images are kept (they used to be dropped), with what training will need."""
    result = import_images(uploads=[*good_uploads(6), ("bad.png", b"nope")])
    assert result.usable and not result.problem
    assert "6 images kept; training needs at least 8" in result.training_note
    out = save_dataset_folder(result, tmp_path / "few")
    assert (out / "dataset.json").is_file()
    before = (out / "images.npz").read_bytes()
    with pytest.raises(ImageImportError, match=r"a dataset is already saved as 'few' .*; choose another name"):
        save_dataset_folder(import_images(uploads=good_uploads(9)), out)  # a second import under the same name
    assert (out / "images.npz").read_bytes() == before  # nothing lost
    assert "enough to train" in import_images(uploads=good_uploads(20)).training_note


def test_too_few_usable_images_for_an_import_that_asks_for_more_is_a_clear_error(tmp_path: Path) -> None:
    result = import_images(uploads=[*good_uploads(3), ("bad.png", b"nope")], limits=ImportLimits(min_images=16))
    assert not result.usable
    assert result.problem.startswith("only 3 usable images; this import asks for at least 16")
    with pytest.raises(ImageImportError, match="only 3 usable images"):
        save_dataset_folder(result, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_folder_import_round_trips_through_the_registry(tmp_path: Path, sandbox: Path) -> None:
    src = tmp_path / "photos"
    (src / "nested").mkdir(parents=True)
    for i, (name, data) in enumerate(good_uploads(20)):
        (src / ("nested" if i % 2 else "") / name).write_bytes(data)
    (src / "readme.md").write_text("not an image")
    result = import_images(folder=src, size=64)
    assert result.report.summary == "imported 20 images, skipped 1"
    out = save_dataset_folder(result, sandbox / "workspace" / "datasets" / "photos", title="My photos")
    loaded = load_dataset(str(out))
    assert loaded.info.source.kind is SourceKind.OWN and loaded.info.title == "My photos"
    assert np.array_equal(loaded.images, result.images)
    assert load_dataset("photos").images.shape == (20, 64, 64, 3)  # found by name in the workspace too
    (out / "images.npz").write_bytes(b"damaged")
    with pytest.raises(ImageImportError, match="damaged"):
        load_dataset(str(out))


def test_cli_import_images_prints_report_and_summary(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    archive = tmp_path / "mine.zip"
    archive.write_bytes(make_zip({**dict(good_uploads(16)), "../evil.png": b"x", "bad.png": b"garbage"}))
    code = cli_main(["import-images", str(archive), "--out", str(tmp_path / "ds"), "--size", "32"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 0
    assert lines[-1] == "imported 16 images, skipped 2"
    assert any("evil.png" in line and "escapes" in line for line in lines)
    assert (tmp_path / "ds" / "dataset.json").is_file() and (tmp_path / "ds" / "preview.png").is_file()


def test_cli_import_images_fails_when_nothing_is_usable(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    folder = tmp_path / "junk"
    folder.mkdir()
    (folder / "a.txt").write_text("a")
    (folder / "b.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    code = cli_main(["import-images", str(folder), "--out", str(tmp_path / "ds")])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out.strip().splitlines()[-1] == "nothing written (0 usable images read, 2 skipped)"
    assert "only 0 usable images; this import asks for at least 1" in captured.err
    assert not (tmp_path / "ds").exists()
