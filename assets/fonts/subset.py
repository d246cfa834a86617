#!/usr/bin/env python3
"""Regenerates the font subsets the picture module compiles in (see README.md here).

Collects the characters the picture can draw -- printable ASCII plus every Hangul syllable
in the picture's own words (src/picture/), the layer labels (src/knowledge/entry.rs) and
the entries' names (knowledge/*.toml) -- writes them to chars.txt, and subsets Noto Sans
CJK KR Regular and Bold to exactly those with pyftsubset (PyPI fonttools).

    apt-get install fonts-noto-cjk && pip install fonttools
    python3 assets/fonts/subset.py            # from the repository root

`cargo test` checks that every character a picture of the built-in knowledge base can
draw is in both files, and names this script when one is missing.
"""
import pathlib
import subprocess
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERE = ROOT / "assets" / "fonts"
NOTO = pathlib.Path("/usr/share/fonts/opentype/noto")
# Debian's fonts-noto-cjk ships collections; face 1 of each is the Korean (KR) one.
FACES = {
    "NotoSansCJKkr-Regular.subset.otf": (NOTO / "NotoSansCJK-Regular.ttc", 1),
    "NotoSansCJKkr-Bold.subset.otf": (NOTO / "NotoSansCJK-Bold.ttc", 1),
}


def hangul(text):
    return {c for c in text if "\uac00" <= c <= "\ud7a3"}


def characters():
    chars = {chr(c) for c in range(0x20, 0x7F)}
    for source in sorted((ROOT / "src" / "picture").glob("*.rs")) + [ROOT / "src/knowledge/entry.rs"]:
        chars |= hangul(source.read_text(encoding="utf-8"))
    for path in sorted((ROOT / "knowledge").glob("*.toml")):
        entry = tomllib.loads(path.read_text(encoding="utf-8"))
        for name in entry.get("name", {}).values():
            chars |= set(name)
    return "".join(sorted(chars))


def main():
    text = characters()
    (HERE / "chars.txt").write_text(text + "\n", encoding="utf-8")
    for output, (font, index) in FACES.items():
        if not font.exists():
            sys.exit(f"{font} is missing: apt-get install fonts-noto-cjk")
        subprocess.run(
            [
                "pyftsubset", str(font), f"--font-number={index}",
                f"--text-file={HERE / 'chars.txt'}",
                f"--output-file={HERE / output}",
                # outlines only: no hinting (resvg does not use it), no layout features
                # but kerning, plain charstrings (smaller once the rest is gone)
                "--no-hinting", "--desubroutinize", "--layout-features=kern",
                # keep every name record: the copyright and the licence travel with the file
                "--name-IDs=*", "--name-languages=*",
            ],
            check=True,
        )
        print(f"{output}: {(HERE / output).stat().st_size} bytes")
    print(f"chars.txt: {len(text)} characters")


if __name__ == "__main__":
    main()
