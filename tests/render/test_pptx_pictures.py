"""A photo stored sideways with an EXIF orientation shows upright on the slide.

Cameras and phones store a portrait photo in landscape pixels and an EXIF tag saying to turn
it; browsers obey the tag, PowerPoint and LibreOffice do not, so the renderer turns the pixels.
"""

from __future__ import annotations

import io

from click.testing import CliRunner
from PIL import Image as PILImage
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from generator.cli import main

CONTENT = """\
lecture:
  title: Photos
sections:
  - title: Field trip
    slides:
      - title: The site
        image: {image}
        alt: A photo of the site
"""

# EXIF orientation 6: the stored picture must be turned a quarter turn clockwise to be upright.
TURN_CLOCKWISE = 6


def sideways_photo(orientation: int | None) -> bytes:
    """Stored 400 x 200 with a black corner at the top left; upright it is 200 x 400, the corner top right."""
    picture = PILImage.new("RGB", (400, 200), "orange")
    picture.paste("black", (0, 0, 100, 50))
    exif = picture.getexif()
    if orientation is not None:
        exif[PILImage.ExifTags.Base.Orientation] = orientation
    out = io.BytesIO()
    picture.save(out, format="JPEG", exif=exif, quality=95)
    return out.getvalue()


def built_picture(tmp_path, orientation: int | None):
    (tmp_path / "site.jpg").write_bytes(sideways_photo(orientation))
    content = tmp_path / "photos.yaml"
    content.write_text(CONTENT.format(image="site.jpg"))
    result = CliRunner().invoke(main, ["build", str(content), "-o", str(tmp_path / "out"), "--format", "pptx"])
    assert result.exit_code == 0, result.output
    prs = Presentation(str(tmp_path / "out" / "photos" / "slides.pptx"))
    slide = prs.slides[2]
    return next(shape for shape in slide.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE)


def test_a_photo_with_an_exif_quarter_turn_is_shown_upright(tmp_path):
    shape = built_picture(tmp_path, TURN_CLOCKWISE)
    assert shape.height > shape.width
    assert abs(shape.height / shape.width - 2) < 0.01
    with PILImage.open(io.BytesIO(shape.image.blob)) as embedded:
        assert embedded.size == (200, 400)
        assert embedded.getexif().get(PILImage.ExifTags.Base.Orientation, 1) == 1
        rgb = embedded.convert("RGB")
        assert max(rgb.getpixel((190, 10))) < 40  # the black corner, now top right
        assert min(rgb.getpixel((10, 10))[:2]) > 100  # orange where it used to be


def test_a_photo_without_an_orientation_is_embedded_as_it_is(tmp_path):
    shape = built_picture(tmp_path, None)
    assert shape.image.blob == (tmp_path / "site.jpg").read_bytes()
    assert abs(shape.width / shape.height - 2) < 0.01
