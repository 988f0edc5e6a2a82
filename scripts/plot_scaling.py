#!/usr/bin/env python3
"""Plots the scaling tables of the `scaling` example: time and peak heap against the number of
layers and against document size, on log-log axes with a linear reference line.

    mkdir -p /tmp/scaling
    cargo run --release -p nodeconfig-eks --example scaling -- --csv /tmp/scaling
    python3 scripts/plot_scaling.py /tmp/scaling docs/scaling.png   # needs matplotlib
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def linear(ax, xs, ys):
    """A dashed line through the first point with slope 1: what linear growth looks like."""
    ax.plot([xs[0], xs[-1]], [ys[0], ys[0] * xs[-1] / xs[0]], "k--", lw=0.8, label="linear")


def main(data_dir, output):
    layers = rows(f"{data_dir}/layers.csv")
    size = rows(f"{data_dir}/size.csv")
    fig, axes = plt.subplots(2, 2, figsize=(11, 8))

    n = [int(r["layers"]) for r in layers]
    for ax, column, scale, unit in [
        (axes[0][0], "time_us", 1e3, "time (ms)"),
        (axes[1][0], "peak_bytes", 2**20, "peak heap (MB)"),
    ]:
        ys = [float(r[column]) / scale for r in layers]
        ax.loglog(n, ys, "o-", label="decode + merge, NodeConfig layers")
        linear(ax, n, ys)
        ax.set_xlabel("layers")
        ax.set_ylabel(unit)
        ax.grid(True, which="both", lw=0.3)
        ax.legend()

    for ax, column, scale, unit in [
        (axes[0][1], "time_us", 1e3, "time (ms)"),
        (axes[1][1], "peak_bytes", 2**20, "peak heap (MB)"),
    ]:
        for strategy in ["json_deep", "toml_deep"]:
            points = [r for r in size if r["strategy"] == strategy]
            xs = [int(r["bytes"]) / 2**20 for r in points]
            ys = [max(float(r[column]) / scale, 1e-6) for r in points]
            ax.loglog(xs, ys, "o-", label=strategy)
            linear(ax, xs, ys)
        ax.set_xlabel("document size (MB)")
        ax.set_ylabel(unit)
        ax.grid(True, which="both", lw=0.3)
        ax.legend()

    fig.suptitle("nodeconfig: merge time and peak heap (dashed: linear growth)")
    fig.tight_layout()
    fig.savefig(output, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
