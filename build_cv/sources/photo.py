"""The CV's photo (`person.photo`): read like every input, then drawn again from its pixels.

A photo is a file its owner did not make: a phone's JPEG carries the place it was taken
(EXIF GPS), the camera and the time; a crafted PNG can declare a hundred thousand pixels
square and unpack to gigabytes. So the file is read as the .bib files are (inside the
CV's folder unless the user consents, a regular file, bounded), its size in pixels is
checked before any pixel is decoded, and what TeX and the HTML see is a new PNG or JPEG
made from the decoded pixels alone: no metadata block of the original survives, and
nothing but Pillow's decoder ever reads the user's bytes. The bytes read are recorded,
so that a new photo is a new build (the cache keys a build on what it read).
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from build_cv.errors import InputError, SchemaError, SchemaProblem
from build_cv.schema.model import CV, Image
from build_cv.sources.bib_section import _inside_the_cv_folder, _resolved
from build_cv.sources.text import read_input, record_read
from build_cv.sources.yaml_source import Loaded

MAX_PHOTO_BYTES = 10 * 2**20  # a portrait from a phone is a few MB
MAX_PIXELS = 50_000_000  # a 50-megapixel camera; a bomb declares far more
MAX_SIDE = 1200  # pixels on the longer side once re-encoded: 10 cm at 300 dpi
JPEG_QUALITY = 90


def with_photo(cv: CV, loaded: Loaded, *, allow_outside: bool = False) -> CV:
    """`cv` with its photo read and re-encoded, if it names one; a problem with the file
    is reported at `person.photo`'s line."""
    name = cv.person.photo
    if name is None:
        return cv
    where = loaded.locate(("person", "photo"))
    path = loaded.path.parent / name
    try:
        if not (allow_outside or cv.allow_outside):
            _inside_the_cv_folder(path, _resolved(path), loaded.path)
        data = read_input(path, "the photo", MAX_PHOTO_BYTES)
        record_read(loaded.read, path, data)
        image = reencode(data, path)
    except InputError as exc:
        raise SchemaError([SchemaProblem(where, f"person.photo: {exc}")]) from None
    return cv.model_copy(update={"person": cv.person.with_image(image)})


def reencode(data: bytes, path: Path) -> Image:
    """The picture of a PNG or JPEG file, written again as a new file of the same type
    (at most MAX_SIDE pixels on a side, turned upright as its EXIF says), or an
    InputError naming the file."""
    from PIL import Image as Pillow
    from PIL import ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Pillow.DecompressionBombWarning)
            with Pillow.open(io.BytesIO(data), formats=["PNG", "JPEG"]) as opened:
                kind = opened.format
                width, height = opened.size
                if width * height > MAX_PIXELS:
                    raise InputError(
                        f"{path}: the picture is {width} × {height} pixels, over the "
                        f"{MAX_PIXELS // 1_000_000} million build-cv decodes; scale it down"
                    )
                upright = ImageOps.exif_transpose(opened)
                upright.load()
    except UnidentifiedImageError:
        raise InputError(f"{path}: is not a PNG or JPEG picture") from None
    except (Pillow.DecompressionBombError, Pillow.DecompressionBombWarning):
        raise InputError(f"{path}: the picture declares too many pixels to decode") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise InputError(f"{path}: the picture is damaged and cannot be read ({exc})") from None
    fmt = "jpeg" if kind == "JPEG" else "png"
    return _written(upright, fmt)


def _written(picture: object, fmt: str) -> Image:
    """A new file from the pixels alone: a fresh image has no `info` (EXIF, XMP, ICC,
    text chunks, comments) for the encoder to copy."""
    from PIL import Image as Pillow

    assert isinstance(picture, Pillow.Image)
    modes = ("RGB", "L") if fmt == "jpeg" else ("RGB", "RGBA", "L", "LA")
    if picture.mode not in modes:
        transparent = fmt == "png" and ("A" in picture.getbands() or "transparency" in picture.info)
        picture = picture.convert("RGBA" if transparent else "RGB")
    assert isinstance(picture, Pillow.Image)
    clean = Pillow.frombytes(picture.mode, picture.size, picture.tobytes())
    clean.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if fmt == "jpeg":
        clean.save(out, format="JPEG", quality=JPEG_QUALITY)
        return Image(out.getvalue(), "jpeg", clean.width, clean.height)
    clean.save(out, format="PNG", optimize=True)
    return Image(out.getvalue(), "png", clean.width, clean.height)
