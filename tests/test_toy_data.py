"""The toy GAN's data: each distribution's sampler, a person's points, and the modes-covered measures."""

from __future__ import annotations

import numpy as np
import pytest

from gan_core.toy.distributions import DISTRIBUTIONS, PointsError, distribution, own_points, points_from_csv
from gan_core.toy.metrics import mode_coverage


@pytest.mark.parametrize("name", sorted(DISTRIBUTIONS))
def test_each_sampler_is_seedable_and_stays_in_view(name: str) -> None:
    dist = distribution(name)
    a, b, c = dist.sample(2000, seed=1), dist.sample(2000, seed=1), dist.sample(2000, seed=2)
    assert a.shape == (2000, 2) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert np.abs(a).max() < dist.extent


def test_the_ring_and_the_grid_put_their_points_at_their_modes() -> None:
    ring, grid = distribution("ring"), distribution("grid")
    assert len(ring.modes) == 8 and len(grid.modes) == 25
    np.testing.assert_allclose(np.linalg.norm(ring.modes, axis=1), 2.0)
    for dist in (ring, grid):
        points = dist.sample(5000, seed=0)
        coverage = mode_coverage(points, dist)
        assert coverage.covered == coverage.modes
        assert coverage.high_quality > 0.98  # 3 std of a 2-D Gaussian holds 98.9%
        counts = np.asarray(coverage.per_mode)
        assert counts.min() > 0.6 * counts.mean()  # the modes are equally likely


def test_the_spiral_winds_outward_and_the_moons_are_two() -> None:
    spiral = distribution("spiral").sample(4000, seed=0)
    radius, angle = np.linalg.norm(spiral, axis=1), np.arctan2(spiral[:, 1], spiral[:, 0])
    assert radius.max() > 2.2 and radius.min() < 0.3
    assert np.ptp(angle) > 6  # it goes all the way round
    moons = distribution("moons").sample(4000, seed=0)
    upper = moons[:, 1] > moons[:, 1].mean()
    assert 0.35 < upper.mean() < 0.65


def test_an_unknown_distribution_is_named_in_one_sentence() -> None:
    with pytest.raises(PointsError, match=r"no toy distribution 'rings'.*ring, grid"):
        distribution("rings")


def test_own_points_are_rescaled_into_view_and_resampled() -> None:
    drawn = np.array([[100, 200], [110, 200], [120, 210], [130, 230], [140, 260], [150, 300], [160, 350],
                      [170, 410]], dtype=float)  # fmt: skip
    dist = own_points(drawn)
    points = dist.sample(3000, seed=0)
    assert np.abs(points).max() < 2.5
    nearest = np.linalg.norm(points[:, None] - dist.points[None], axis=2).min(axis=1)
    assert np.percentile(nearest, 99) < 0.15  # every sample sits on one of the drawn points


def test_a_csv_of_points_is_read_and_garbage_gets_one_sentence() -> None:
    text = "x,y,label\n" + "\n".join(f"{i},{i * i},a" for i in range(20)) + "\nnot,a,row\n"
    points = points_from_csv(text.encode())
    assert points.shape == (20, 2) and points[3].tolist() == [3.0, 9.0]
    with pytest.raises(PointsError, match="not UTF-8"):
        points_from_csv(b"\xff\xfe\x00garbage\x89PNG")
    with pytest.raises(PointsError, match="no rows with two numbers"):
        points_from_csv(b"just,words\nand,more\n")
    with pytest.raises(PointsError, match="at least 8 points"):
        own_points(np.array([[0.0, 0.0], [1.0, np.nan], [2.0, 1.0]]))
    with pytest.raises(PointsError, match="two columns"):
        own_points(np.zeros((10, 3)))


def test_modes_covered_on_hand_made_point_sets() -> None:
    ring = distribution("ring")
    rng = np.random.default_rng(0)
    every_mode = np.repeat(ring.modes, 50, axis=0) + rng.normal(0, ring.std, (400, 2))
    one_mode = ring.modes[3] + rng.normal(0, ring.std, (400, 2))
    noise = rng.uniform(-3, 3, (400, 2))
    noise = noise[np.linalg.norm(noise[:, None] - ring.modes[None], axis=2).min(axis=1) > 0.5]  # all off-mode

    all8 = mode_coverage(every_mode, ring)
    assert (all8.covered, all8.modes) == (8, 8) and all8.high_quality > 0.97
    one = mode_coverage(one_mode, ring)
    assert one.covered == 1 and one.per_mode[3] > 390 and one.high_quality > 0.97
    off = mode_coverage(noise, ring)
    assert off.covered == 0 and off.high_quality == 0.0
    # Half the samples on the modes, half noise: every mode covered, half of them high quality.
    mixed = mode_coverage(np.concatenate([every_mode[::2], noise[:200]]), ring)
    assert mixed.covered == 8 and mixed.high_quality == pytest.approx(200 / (200 + len(noise[:200])), abs=1e-9)
    # A mode with two stray samples is not covered.
    stray = np.concatenate([one_mode, ring.modes[[5, 5]]])
    assert mode_coverage(stray, ring).covered == 1
    with pytest.raises(ValueError, match="no modes"):
        mode_coverage(every_mode, distribution("spiral"))


def test_lasso_selections_paint_canvas_cells_and_add_up() -> None:
    from gan_core.toy.views import paint_figure, paint_grid
    from pages.ui.toy import add_painted

    grid = paint_grid()
    stroke = {"points": [{"curve_number": 0, "point_index": i} for i in (3, 4, 5)]
              + [{"curve_number": 1, "point_index": 0}]}  # fmt: skip  # trace 1: already painted, not the canvas
    painted = add_painted(stroke, set())
    assert painted == {3, 4, 5}
    painted = add_painted({"points": [{"curve_number": 0, "point_index": 40}]}, painted)
    assert painted == {3, 4, 5, 40}
    assert add_painted(None, painted) == painted and add_painted({"garbage": 1}, painted) == painted
    fig = paint_figure(grid, sorted(painted))
    np.testing.assert_allclose(np.c_[fig.data[1].x, fig.data[1].y], grid[[3, 4, 5, 40]])
    assert fig.layout.dragmode == "lasso"


def test_g_push_arrows_stay_inside_the_view_and_side_by_side_shows_both_runs_modes() -> None:
    """Issue 36.10: in side by side G's arrows left the plot, and the modes chart showed one run only."""
    from types import SimpleNamespace

    import numpy as np

    from gan_core.toy.picture import push_arrows
    from gan_core.toy.views import coverage_figure

    rng = np.random.default_rng(0)
    fake = rng.uniform(-2.4, 2.4, (512, 2)).astype(np.float32)
    push = rng.standard_normal((512, 2)).astype(np.float32) * np.where(rng.random(512) < 0.1, 50, 1)[:, None]
    starts, ends = push_arrows(SimpleNamespace(fake=fake, push=push, extent=2.5))
    assert np.abs(ends).max() <= 2.5  # every end inside the view
    assert np.linalg.norm(ends - starts, axis=1).max() <= 0.12 * 2.5 + 1e-6  # none longer than an eighth
    row = {"step": 100, "modes_covered": 5, "modes": 8, "high_quality": 0.9}
    figure = coverage_figure([row], others={"other-run": [row | {"modes_covered": 3}]})
    other = [t for t in figure.data if t.name.startswith("other-run:")]
    assert len(other) == 1 and list(other[0].y) == [3]
