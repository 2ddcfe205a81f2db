"""The loader keeps the syntax tree it parsed (`PreparedScript.tree`) for `jsrt check`,
and a tree parsed beforehand gives the same preparation as parsing inside `prepare`."""

from __future__ import annotations

from jsrt.loader import parse, position, prepare

SOURCE = "import dayjs from 'dayjs'\nfunction preMap(options) {\n  throw new Error('é')\n}\n"


def test_prepare_keeps_the_tree_of_the_source() -> None:
    prepared = prepare(SOURCE, "s.js")
    root = prepared.tree.root_node
    assert root.type == "program"
    assert root.text == SOURCE.encode("utf-8")
    assert [child.type for child in root.children] == ["import_statement", "function_declaration"]


def test_a_tree_given_to_prepare_prepares_the_same_script() -> None:
    tree = parse(SOURCE)
    given = prepare(SOURCE, "s.js", tree=tree)
    assert given.tree is tree
    assert given == prepare(SOURCE, "s.js")  # the tree takes no part in equality


def test_position_counts_characters_as_an_editor_does() -> None:
    text = "const a = 'é'; x\n  y"
    assert position(text, text.encode("utf-8").index(b"x")) == (1, 16)
    assert position(text, text.encode("utf-8").index(b"y")) == (2, 3)
