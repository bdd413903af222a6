"""The CV's photo (sources/photo.py): read like every input, and drawn again from its
pixels, so nothing of the file but the picture reaches TeX or the HTML."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import pytest
import yaml
from PIL import Image

from build_cv.errors import SchemaError
from build_cv.sources.load import load_cv
from build_cv.sources.photo import MAX_SIDE


def camera_jpeg(size: tuple[int, int] = (300, 400)) -> bytes:
    """A JPEG as a phone writes one: EXIF with the camera, the place (GPS) and a
    comment; it is stored sideways, with an EXIF orientation that turns it upright."""
    picture = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "SECRETCAMERA"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}  # GPS
    out = io.BytesIO()
    picture.save(out, format="JPEG", exif=exif.tobytes(), comment=b"SECRETCOMMENT")
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels: a decompression bomb's
    shape, without its size."""
    out = io.BytesIO()
    Image.new("L", (1, 1)).save(out, format="PNG")
    data = bytearray(out.getvalue())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr : ihdr + 17]))
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", crc)
    return bytes(data)


def cv_with_photo(folder: Path, photo: str, **top: object) -> Path:
    data = {"person": {"name": "Ada Lovelace", "photo": photo}, "updated": "2024-06-15", **top}
    path = folder / "cv.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_the_photo_is_re_encoded_without_its_metadata(tmp_path: Path) -> None:
    (tmp_path / "me.jpg").write_bytes(camera_jpeg())
    loaded, cv = load_cv(cv_with_photo(tmp_path, "me.jpg"))
    image = cv.person.image
    assert image is not None and image.format == "jpeg"
    assert b"SECRET" not in image.data and b"Exif" not in image.data
    again = Image.open(io.BytesIO(image.data))
    assert dict(again.getexif()) == {} and "comment" not in again.info
    assert (image.width, image.height) == (400, 300)  # turned upright, as EXIF said
    assert Path(os.path.abspath(tmp_path / "me.jpg")) in loaded.read  # a new photo, a new build


def test_a_png_stays_a_png_and_a_big_one_is_scaled_down(tmp_path: Path) -> None:
    picture = Image.new("RGBA", (3000, 1500), (0, 0, 0, 0))
    out = io.BytesIO()
    picture.save(out, format="PNG", pnginfo=None)
    (tmp_path / "me.png").write_bytes(out.getvalue())
    image = load_cv(cv_with_photo(tmp_path, "me.png"))[1].person.image
    assert image is not None and image.format == "png"
    assert (image.width, image.height) == (MAX_SIDE, MAX_SIDE // 2)


def refused(path: Path) -> str:
    with pytest.raises(SchemaError) as caught:
        load_cv(path)
    return caught.value.render()


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("bomb.png", png_claiming(100_000, 100_000), "too many pixels to decode"),
        ("wide.png", png_claiming(10_000, 6_000), "10000 × 6000 pixels, over the 50 million"),
        ("bad.jpg", camera_jpeg()[:300], "the picture is damaged"),
        ("text.png", b"not a picture at all", "is not a PNG or JPEG picture"),
        ("gif.png", b"GIF89a" + b"\0" * 40, "is not a PNG or JPEG picture"),
    ],
)
def test_a_bomb_a_damaged_file_or_another_type_is_refused(
    tmp_path: Path, name: str, content: bytes, says: str
) -> None:
    (tmp_path / name).write_bytes(content)
    message = refused(cv_with_photo(tmp_path, name))
    assert says in message and "person.photo" in message
    assert f"{tmp_path / 'cv.yaml'}:" in message  # at the line of `photo:`


def test_a_photo_outside_the_cv_folder_needs_consent(tmp_path: Path) -> None:
    (tmp_path / "me.jpg").write_bytes(camera_jpeg())
    inner = tmp_path / "cv"
    inner.mkdir()
    message = refused(cv_with_photo(inner, "../me.jpg"))
    assert "is outside the CV's folder" in message and "--allow-outside" in message
    assert load_cv(cv_with_photo(inner, "../me.jpg", allow_outside=True))[1].person.image


def test_a_fifo_or_a_missing_file_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.jpg")
    assert "is a pipe (FIFO), not a regular file" in refused(cv_with_photo(tmp_path, "pipe.jpg"))
    assert "no such file" in refused(cv_with_photo(tmp_path, "gone.jpg"))


def test_only_a_png_or_jpeg_name_is_taken(tmp_path: Path) -> None:
    assert "is not a .png, .jpg or .jpeg file" in refused(cv_with_photo(tmp_path, "me.gif"))
