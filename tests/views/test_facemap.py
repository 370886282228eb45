"""The schematic face: its data (data/zones.yaml) and its SVG picture."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from itertools import combinations, pairwise

import pytest

from conftest import REQUIRED_ZONES
from protocol_tools.reference.data import data_dir
from protocol_tools.reference.geometry import zone_geometry
from protocol_tools.views.facemap import face_map_svg

SVG = "{http://www.w3.org/2000/svg}"
EYE_AND_MOUTH_ZONES = {"brows", "under-eyes", "upper-lip"}


@pytest.fixture(scope="module")
def geometry():
    return zone_geometry()


def _on_edge(point, polygon) -> bool:
    x, y = point
    for (x0, y0), (x1, y1) in pairwise([*polygon, polygon[0]]):
        cross = (x1 - x0) * (y - y0) - (y1 - y0) * (x - x0)
        within = min(x0, x1) <= x <= max(x0, x1) and min(y0, y1) <= y <= max(y0, y1)
        if abs(cross) < 1e-9 and within:
            return True
    return False


def _inside(point, polygon) -> bool:
    """Strictly inside: even-odd ray casting, and a point on an edge is not inside."""
    if _on_edge(point, polygon):
        return False
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in pairwise([*polygon, polygon[0]]):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _segments_cross(a, b, c, d) -> bool:
    """Whether segments ab and cd properly cross (touching ends do not count)."""

    def orient(p, q, r):
        value = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
        return (value > 0) - (value < 0)

    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    return o1 * o2 < 0 and o3 * o4 < 0


def _edges(polygon):
    return list(pairwise([*polygon, polygon[0]]))


def _points_of(element, attribute="points"):
    return [tuple(map(float, pair.split(","))) for pair in element.get(attribute).split()]


def _halves(geometry):
    for zone_id, zone in geometry["zones"].items():
        for side in ("right", "left"):
            yield zone_id, side, zone[side]


# ---------------------------------------------------------------- the data


def test_required_zones_exist(geometry):
    assert set(geometry["zones"]) >= REQUIRED_ZONES


def test_zone_ids_are_slugs(geometry):
    for zone_id in geometry["zones"]:
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", zone_id)


def test_every_zone_names_its_current_source(geometry):
    for zone_id, zone in geometry["zones"].items():
        assert len(zone["current_source"]) > 20, zone_id
        assert zone["name"], zone_id
        assert zone["direction"], zone_id
        assert 0 < zone["max_current_uA"] < 1000, zone_id


def test_current_limits_follow_the_lead_decision(geometry):
    for zone_id, zone in geometry["zones"].items():
        expected = 200 if zone_id in EYE_AND_MOUTH_ZONES else 400
        assert zone["max_current_uA"] == expected, zone_id
        source = zone["current_source"]
        assert ("Acuscope" in source) if expected == 200 else ("K072260" in source), zone_id


def test_geometry_is_plain_json(geometry):
    assert json.loads(json.dumps(geometry)) == geometry


def test_geometry_is_a_fresh_copy_each_time(geometry):
    first = zone_geometry()
    first["zones"]["jawline"]["right"]["outline"][0][0] = -1
    assert zone_geometry() == geometry


def test_mirroring_is_exact(geometry):
    for zone in geometry["zones"].values():
        right, left = zone["right"], zone["left"]
        assert left["outline"] == [[200 - x, y] for x, y in right["outline"]]
        assert left["strokes"] == [[[200 - x, y] for x, y in s] for s in right["strokes"]]
        assert left["label_point"] == [200 - right["label_point"][0], right["label_point"][1]]
    for feature in geometry["face"]["features"].values():
        assert feature["left"] == [[200 - x, y] for x, y in feature["right"]]


def test_face_outline_is_symmetric(geometry):
    outline = {tuple(p) for p in geometry["face"]["outline"]}
    assert outline == {(200 - x, y) for x, y in outline}


def test_zones_lie_in_the_canvas_and_the_face(geometry):
    width, height = geometry["canvas"]["width"], geometry["canvas"]["height"]
    face = geometry["face"]["outline"]
    for zone_id, side, half in _halves(geometry):
        for point in half["outline"] + [p for s in half["strokes"] for p in s]:
            assert 0 <= point[0] <= width, (zone_id, side, point)
            assert 0 <= point[1] <= height, (zone_id, side, point)
            assert _inside(point, face), (zone_id, side, point)
        for edge in _edges(half["outline"]):
            for face_edge in _edges(face):
                assert not _segments_cross(*edge, *face_edge), (zone_id, side)


def test_halves_stay_on_their_side_of_the_midline(geometry):
    for zone_id, zone in geometry["zones"].items():
        assert all(x <= 100 for x, _ in zone["right"]["outline"]), zone_id
        assert all(x >= 100 for x, _ in zone["left"]["outline"]), zone_id
        assert all(x <= 100 for s in zone["right"]["strokes"] for x, _ in s), zone_id


def test_zones_do_not_overlap(geometry):
    halves = list(_halves(geometry))
    for (id_a, side_a, a), (id_b, side_b, b) in combinations(halves, 2):
        where = (id_a, side_a, id_b, side_b)
        assert not any(_inside(p, b["outline"]) for p in a["outline"]), where
        assert not any(_inside(p, a["outline"]) for p in b["outline"]), where
        for edge_a in _edges(a["outline"]):
            for edge_b in _edges(b["outline"]):
                assert not _segments_cross(*edge_a, *edge_b), where


def test_strokes_run_inside_their_zone(geometry):
    for zone_id, side, half in _halves(geometry):
        for stroke in half["strokes"]:
            for point in stroke:
                assert _inside(point, half["outline"]), (zone_id, side, point)
        assert _inside(half["label_point"], half["outline"]), (zone_id, side)


def test_strokes_run_upward_or_outward(geometry):
    for zone_id, side, half in _halves(geometry):
        for stroke in half["strokes"]:
            (x0, y0), (x1, y1) = stroke[0], stroke[-1]
            assert y1 <= y0 or abs(x1 - 100) > abs(x0 - 100), (zone_id, side, stroke)


def test_zones_sit_where_anatomy_puts_them(geometry):
    zones = geometry["zones"]

    def ys(zone_id):
        return [y for _, y in zones[zone_id]["right"]["outline"]]

    features = geometry["face"]["features"]
    brow_top = min(y for _, y in features["brow"]["right"])
    eye = features["eye"]["right"]
    assert max(ys("forehead")) < brow_top
    assert max(ys("brows")) < min(y for _, y in eye)  # brows stay off the eyelid
    for zone_id in ("brows", "under-eyes"):  # never on the eyelid
        outline = zones[zone_id]["right"]["outline"]
        assert not any(_inside(p, eye) for p in outline), zone_id
        assert not any(_inside(p, outline) for p in eye), zone_id
        assert not any(_segments_cross(*a, *b) for a in _edges(outline) for b in _edges(eye))
    under_eye_middle = zones["under-eyes"]["right"]["label_point"][1]
    assert under_eye_middle > max(y for _, y in eye)
    midline = geometry["face"]["midline_features"]
    nose_bottom = max(y for _, y in midline["nose"])
    mouth_top = min(y for _, y in midline["mouth"])
    mouth_bottom = max(y for _, y in midline["mouth"])
    assert nose_bottom < min(ys("upper-lip")) < max(ys("upper-lip")) < mouth_top
    folds = zones["nasolabial-folds"]["right"]["outline"]
    assert min(ys("nasolabial-folds")) < mouth_top < max(ys("nasolabial-folds"))
    assert all(x < 90 for x, _ in folds)  # beside the nose and mouth, not on them
    jaw_near_chin = [y for x, y in zones["jawline"]["right"]["outline"] if x > 90]
    assert min(jaw_near_chin) > mouth_bottom
    chin = features["chin"]["right"]
    for x, y in zones["neck"]["right"]["outline"]:  # below the jaw
        for (x0, y0), (x1, y1) in pairwise(chin):
            if x0 <= x <= x1:
                assert y > y0 + (x - x0) * (y1 - y0) / (x1 - x0), (x, y)
    # cheekbones and jawline reach toward the ear
    ear_x = max(x for x, _ in features["ear"]["right"])
    assert min(x for x, _ in zones["cheekbones"]["right"]["outline"]) < ear_x + 6
    assert min(x for x, _ in zones["jawline"]["right"]["outline"]) < ear_x + 10


def test_data_folder_is_the_checkout_data():
    assert (data_dir() / "zones.yaml").is_file()


# ---------------------------------------------------------------- the picture


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 -- our own output, parsed to check it
    assert root.tag == f"{SVG}svg"
    return root


def test_svg_is_accessible_xml():
    root = _parse(face_map_svg())
    assert root.get("viewBox") == "0 0 200 260"
    assert root.get("role") == "img"
    assert root.get("aria-label")
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "client's right" in texts
    assert "client's left" in texts


def test_every_zone_half_is_outlined():
    root = _parse(face_map_svg())
    drawn = {(p.get("data-zone"), p.get("data-side")) for p in root.iter(f"{SVG}polygon")}
    for zone_id in REQUIRED_ZONES:
        assert {(zone_id, "right"), (zone_id, "left")} <= drawn


def test_nothing_highlighted_by_default():
    root = _parse(face_map_svg())
    assert not [p for p in root.iter(f"{SVG}polygon") if p.get("stroke-dasharray")]
    assert not list(root.iter(f"{SVG}polyline")) or all(
        p.get("marker-end") is None for p in root.iter(f"{SVG}polyline")
    )


def test_highlight_fills_only_the_mirrored_half():
    root = _parse(face_map_svg([("jawline", "left")]))
    highlight = root.find(f".//{SVG}g[@class='highlight']")
    polygons = list(highlight.iter(f"{SVG}polygon"))
    assert polygons
    for polygon in polygons:
        assert polygon.get("data-zone") == "jawline"
        assert all(x >= 100 for x, _ in _points_of(polygon))
    # never colour alone: a hatch and a thick dashed border too
    assert any(p.get("fill", "").startswith("url(#") for p in polygons)
    assert any(p.get("stroke-dasharray") for p in polygons)
    arrows = [p for p in root.iter(f"{SVG}polyline") if p.get("marker-end")]
    assert arrows
    assert all(x > 100 for a in arrows for x, _ in _points_of(a))
    marker_ids = {m.get("id") for m in root.iter(f"{SVG}marker")}
    assert all(a.get("marker-end")[5:-1] in marker_ids for a in arrows)


def test_highlight_both_sides():
    root = _parse(face_map_svg([("neck", "both"), ("neck", "right")]))
    highlight = root.find(f".//{SVG}g[@class='highlight']")
    sides = [p.get("data-side") for p in highlight.iter(f"{SVG}polygon")]
    assert sorted(set(sides)) == ["left", "right"]
    assert len(sides) == 4  # fill + hatched border, once per half


def test_numbered_labels_show_their_numbers():
    numbered = [(1, "neck", "both"), (2, "jawline", "right"), (3, "jawline", "left")]
    root = _parse(face_map_svg(numbered=numbered))
    labels = root.find(f".//{SVG}g[@class='labels']")
    texts = [t.text for t in labels.iter(f"{SVG}text")]
    assert sorted(texts) == ["1", "1", "2", "3"]
    geometry = zone_geometry()
    for group in labels:
        circle = group.find(f"{SVG}circle")
        zone = geometry["zones"][group.get("data-zone")][group.get("data-side")]
        assert [float(circle.get("cx")), float(circle.get("cy"))] == pytest.approx(
            zone["label_point"]
        )


def test_hostile_title_is_escaped():
    hostile = '<script>alert(1)</script> & "x"'
    svg = face_map_svg([("brows", "right")], title=hostile)
    assert "<script>" not in svg
    root = _parse(svg)
    assert root.find(f"{SVG}title").text == hostile
    assert root.get("aria-label") == hostile
    assert not list(root.iter("script"))
    assert not list(root.iter(f"{SVG}script"))


def test_hostile_label_number_is_escaped():
    svg = face_map_svg(numbered=[("<b>&", "neck", "right")])
    root = _parse(svg)
    assert "<b>&" in [t.text for t in root.iter(f"{SVG}text")]


def test_width_sets_the_size():
    root = _parse(face_map_svg(width=300))
    assert root.get("width") == "300"
    assert float(root.get("height")) == pytest.approx(390)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"highlight": [("chin", "left")]}, "unknown zone"),
        ({"highlight": [("jawline", "middle")]}, "side must be"),
        ({"numbered": [(1, "nose", "both")]}, "unknown zone"),
        ({"width": -5}, "width"),
    ],
)
def test_bad_arguments_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        face_map_svg(**kwargs)


def test_ids_differ_between_different_pictures():
    first = _parse(face_map_svg([("neck", "left")]))
    second = _parse(face_map_svg([("neck", "right")]))
    ids = {e.get("id") for e in first.iter() if e.get("id")}
    assert ids
    assert ids.isdisjoint({e.get("id") for e in second.iter() if e.get("id")})
    assert face_map_svg([("neck", "left")]) == face_map_svg([("neck", "left")])
