"""Draw the site icon (a red shield with a gold star) into static/: SVG, ICO and a PNG.

Run it again after changing the shape: `.venv/bin/python scripts/make_favicon.py`. The files it
writes are committed, so the app needs neither this script nor a download to serve its icon.
"""

import math
from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).resolve().parent.parent / "static"
SIZE = 64  # the drawing's own units: a 64 x 64 square
RED, GOLD, EDGE = "#b3261e", "#ffcd3c", "#ffffff"
# The shield: a flat top with shoulders, straight sides, then two curves meeting at the point.
TOP, SHOULDER, SIDE_END, TIP = (32, 3), 11, 30, (32, 61)
LEFT, RIGHT = 8, 56
CURVE_RIGHT = ((56, 45), (46, 55))  # control points from (RIGHT, SIDE_END) to TIP
CURVE_LEFT = ((18, 55), (8, 45))  # control points from TIP to (LEFT, SIDE_END)
STAR_CENTRE, STAR_OUTER, STAR_INNER = (32, 30), 14, 5.6


def star_points() -> list[tuple[float, float]]:
    """Return the ten corners of a five-pointed star, the first pointing up."""
    cx, cy = STAR_CENTRE
    points = []
    for i in range(10):
        radius = STAR_OUTER if i % 2 == 0 else STAR_INNER
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((round(cx + radius * math.cos(angle), 2),
                       round(cy + radius * math.sin(angle), 2)))
    return points


def bezier(start, c1, c2, end, steps: int = 24) -> list[tuple[float, float]]:
    """Return points along a cubic Bézier curve, the start left out."""
    points = []
    for i in range(1, steps + 1):
        t = i / steps
        a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t ** 2, t ** 3
        points.append((a * start[0] + b * c1[0] + c * c2[0] + d * end[0],
                       a * start[1] + b * c1[1] + c * c2[1] + d * end[1]))
    return points


def shield_polygon() -> list[tuple[float, float]]:
    """Return the shield's outline as a polygon, for drawing it as pixels."""
    points = [TOP, (RIGHT, SHOULDER), (RIGHT, SIDE_END)]
    points += bezier((RIGHT, SIDE_END), *CURVE_RIGHT, TIP)
    points += bezier(TIP, *CURVE_LEFT, (LEFT, SIDE_END))
    points.append((LEFT, SHOULDER))
    return points


def svg() -> str:
    """Return the icon as SVG text."""
    shield = (f"M{TOP[0]} {TOP[1]}L{RIGHT} {SHOULDER}V{SIDE_END}"
              f"C{CURVE_RIGHT[0][0]} {CURVE_RIGHT[0][1]} {CURVE_RIGHT[1][0]} {CURVE_RIGHT[1][1]} "
              f"{TIP[0]} {TIP[1]}"
              f"C{CURVE_LEFT[0][0]} {CURVE_LEFT[0][1]} {CURVE_LEFT[1][0]} {CURVE_LEFT[1][1]} "
              f"{LEFT} {SIDE_END}V{SHOULDER}Z")
    star = " ".join(f"{x:g},{y:g}" for x, y in star_points())
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}">'
            f'<path d="{shield}" fill="{RED}" stroke="{EDGE}" stroke-width="3" '
            f'stroke-linejoin="round"/>'
            f'<polygon points="{star}" fill="{GOLD}"/></svg>\n')


def raster(pixels: int, background: tuple = (0, 0, 0, 0)) -> Image.Image:
    """Draw the icon at `pixels` square, drawn four times larger and scaled down smoothly."""
    scale = pixels * 4 / SIZE
    big = Image.new("RGBA", (pixels * 4, pixels * 4), background)
    draw = ImageDraw.Draw(big)

    def scaled(points):
        return [(x * scale, y * scale) for x, y in points]

    draw.polygon(scaled(shield_polygon()), fill=RED, outline=EDGE, width=max(1, round(3 * scale)))
    draw.polygon(scaled(star_points()), fill=GOLD)
    return big.resize((pixels, pixels), Image.Resampling.LANCZOS)


def main() -> None:
    (STATIC / "favicon.svg").write_text(svg(), encoding="utf-8")
    raster(48).save(STATIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    # A phone's home screen shows no transparency: the touch icon stands on white.
    raster(180, background=(255, 255, 255, 255)).save(STATIC / "apple-touch-icon.png",
                                                      optimize=True)
    for name in ("favicon.svg", "favicon.ico", "apple-touch-icon.png"):
        print(f"static/{name}: {(STATIC / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
