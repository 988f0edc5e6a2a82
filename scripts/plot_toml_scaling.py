#!/usr/bin/env python3
"""Plots `toml_deep`'s scaling (the `toml_scaling` bench's CSV files) as an SVG, with no
dependency beyond Python: time against new keys and against layers, log-log, one line per
engine and case, and a dashed line of slope 1 (linear growth) through the first point.

    cargo bench -p nodeconfig-core --features toml-reference --bench toml_scaling -- --csv /tmp/toml
    python3 scripts/plot_toml_scaling.py /tmp/toml docs/toml_scaling.svg
"""
import csv
import math
import sys

WIDTH, HEIGHT, MARGIN = 440, 340, 60
COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def panel(x0, title, data, count_column, xlabel):
    series = {}
    for row in data:
        series.setdefault(f"{row['engine']} ({row['case']})", []).append(
            (float(row[count_column]), max(float(row["ms"]), 1e-4))
        )
    xs = [x for points in series.values() for x, _ in points]
    ys = [y for points in series.values() for _, y in points]
    lx0, lx1 = math.log10(min(xs)), math.log10(max(xs))
    ly0, ly1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    ly1 = max(ly1, ly0 + 1)

    def px(x):
        return x0 + MARGIN + (math.log10(x) - lx0) / max(lx1 - lx0, 1e-9) * (WIDTH - 2 * MARGIN)

    def py(y):
        return HEIGHT - MARGIN - (math.log10(y) - ly0) / (ly1 - ly0) * (HEIGHT - 2 * MARGIN)

    out = [f'<text x="{x0 + WIDTH / 2}" y="20" text-anchor="middle" font-size="14">{title}</text>']
    out.append(
        f'<rect x="{x0 + MARGIN}" y="{MARGIN}" width="{WIDTH - 2 * MARGIN}" '
        f'height="{HEIGHT - 2 * MARGIN}" fill="none" stroke="#444"/>'
    )
    for decade in range(int(ly0), int(ly1) + 1):
        y = py(10**decade)
        out.append(f'<line x1="{x0 + MARGIN}" x2="{x0 + WIDTH - MARGIN}" y1="{y}" y2="{y}" stroke="#ddd"/>')
        out.append(f'<text x="{x0 + MARGIN - 5}" y="{y + 4}" text-anchor="end" font-size="10">{10.0**decade:g} ms</text>')
    for decade in range(int(math.floor(lx0)), int(math.ceil(lx1)) + 1):
        if lx0 - 1e-9 <= decade <= lx1 + 1e-9:
            x = px(10**decade)
            out.append(f'<text x="{x}" y="{HEIGHT - MARGIN + 15}" text-anchor="middle" font-size="10">{10**decade:,}</text>')
    out.append(f'<text x="{x0 + WIDTH / 2}" y="{HEIGHT - 15}" text-anchor="middle" font-size="12">{xlabel}</text>')
    for index, (name, points) in enumerate(sorted(series.items())):
        colour = COLOURS[index % len(COLOURS)]
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        out.append(
            f'<text x="{x0 + MARGIN + 8}" y="{MARGIN + 15 + 14 * index}" font-size="11" fill="{colour}">{name}</text>'
        )
        if index == 0:
            (fx, fy), (lx, _) = points[0], points[-1]
            linear = min(fy * lx / fx, 10**ly1)
            end_x = fx * linear / fy
            out.append(
                f'<line x1="{px(fx):.1f}" y1="{py(fy):.1f}" x2="{px(end_x):.1f}" y2="{py(linear):.1f}" '
                'stroke="#000" stroke-dasharray="4 3"/>'
            )
    return out


def main(data_dir, output):
    keys = rows(f"{data_dir}/toml_keys.csv")
    layers = rows(f"{data_dir}/toml_layers.csv")
    body = panel(0, "one merge: new keys", keys, "keys", "new keys in the later document")
    body += panel(WIDTH, "merge of N layers", layers, "layers", "layers")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * WIDTH}" height="{HEIGHT}" '
        f'font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>'
        + "".join(body)
        + '<text x="10" y="335" font-size="10">dashed: linear growth through the first point</text></svg>\n'
    )
    with open(output, "w") as f:
        f.write(svg)


if __name__ == "__main__":
    main(*sys.argv[1:3])
