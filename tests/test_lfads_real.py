"""LFADS on real recordings, the data side (issue 13): chopping and merging, trial alignment, blocked splits,
held-out neurons, NLB's bits per spike / co-bps / fp-bps and the smoothing baseline.

One parametrised case per distinct bad input; exact round trips; no time bin in two parts of a split; the metrics
against a hand computation and, where `nlb_tools` can be imported, against `nlb_tools` itself on the same arrays.
`nlb_tools` 0.0.4 pins pandas<=1.3.4, which does not build on this Python, so it is not a dev requirement: the
parity tests skip without it (install it with `pip install --no-deps nlb-tools` to run them).
"""
import math

import numpy as np
import pytest
import torch

from neurolatent.lfads_real import (PARTS, BlockSplit, align_trials, bits_per_spike, block_split, chop, chop_starts,
                                    co_bps, crossfade_weights, fit_poisson_glm, fp_bps, gaussian_smooth, merge,
                                    poisson_nll, smoothing_baseline, split_neurons)

RNG = np.random.default_rng(0)
X = RNG.poisson(1.0, (100, 4)).astype(float)              # (T, N) a small recording
TIMES = np.arange(100) * 0.025
R = RNG.gamma(2.0, 0.5, (5, 20, 6))                        # (K, T, N) rates
S = RNG.poisson(R).astype(float)                           # their spikes
NAN, INF = float("nan"), float("inf")


def _with(a, idx, value):
    a = np.array(a, dtype=float)
    a[idx] = value
    return a


# --- bad inputs: each fails at once, with the right exception and a message naming the problem ----------------------

BAD = [
    # chop / chop_starts / merge / crossfade_weights
    ("short recording", lambda: chop(X[:30], 50, 10), ValueError, "the recording has 30 time bins, fewer than one segment of segment_len=50"),
    ("overlap = segment_len", lambda: chop(X, 20, 20), ValueError, "overlap=20 must be smaller than segment_len=20"),
    ("overlap > segment_len", lambda: chop(X, 20, 25), ValueError, "overlap=25 must be smaller than segment_len=20"),
    ("negative overlap", lambda: chop(X, 20, -1), ValueError, "overlap must be an integer ≥ 0 (bins shared by consecutive segments), got -1."),
    ("NaN in data", lambda: chop(_with(X, (3, 1), NAN), 20, 5), ValueError, "data contains 1 non-finite value(s) (NaN), first at row 3"),
    ("inf in data", lambda: chop(_with(X, (7, 0), INF), 20, 5), ValueError, "data contains 1 non-finite value(s) (inf), first at row 7"),
    ("1-D data", lambda: chop(X[:, 0], 20, 5), ValueError, "data must have 2 dimension(s) (time × features), got shape (100,)"),
    ("3-D data", lambda: chop(X[None], 20, 5), ValueError, "data must have 2 dimension(s) (time × features), got shape (1, 100, 4)"),
    ("string data", lambda: chop(np.array([["a", "b"]] * 30), 20), TypeError, "data must be numeric"),
    ("segment_len 0", lambda: chop(X, 0), ValueError, "segment_len must be an integer ≥ 1 (time bins per segment), got 0."),
    ("segment_len float", lambda: chop(X, 2.5), TypeError, "segment_len must be an integer ≥ 1 (time bins per segment), got 2.5 of type float."),
    ("overlap bool", lambda: chop(X, 20, True), TypeError, "overlap must be an integer ≥ 0 (bins shared by consecutive segments), got True of type bool."),
    ("segments 2-D", lambda: merge(X, 100, 0), ValueError, "segments must have 3 dimension(s)"),
    ("segment count", lambda: merge(chop(X, 20, 5), 120, 5), ValueError, "segments holds 7 segments, but a recording of n_time=120 bins cut into segments of 20 bins overlapping by 5 gives 8"),
    ("NaN in segments", lambda: merge(_with(chop(X, 20, 5), (2, 3, 1), NAN), 100, 5), ValueError, "segments contains 1 non-finite value(s) (NaN)"),
    ("smooth_pwr NaN", lambda: merge(chop(X, 20, 5), 100, 5, smooth_pwr=NAN), ValueError, "smooth_pwr must be a number ≥ 0"),
    ("smooth_pwr negative", lambda: merge(chop(X, 20, 5), 100, 5, smooth_pwr=-1), ValueError, "smooth_pwr must be a number ≥ 0 (1 = linear cross-fade, inf = keep the earlier segment), got -1."),
    ("crossfade over 0 bins", lambda: crossfade_weights(0), ValueError, "n must be an integer ≥ 1 (overlapping bins), got 0."),
    ("n_time 0", lambda: chop_starts(0, 5), ValueError, "n_time must be an integer ≥ 1 (time bins in the recording), got 0."),
    # align_trials
    ("times length", lambda: align_trials(X, TIMES[:-1], [1.0], 0.1, 0.2), ValueError, "times has 99 entries but data has 100 time bins"),
    ("times decreasing", lambda: align_trials(X, TIMES[::-1], [1.0], 0.1, 0.2), ValueError, "times must be strictly increasing; it is not at bin 1."),
    ("times uneven", lambda: align_trials(X, _with(TIMES, slice(50, None), TIMES[50:] + 0.01), [1.0], 0.1, 0.2), ValueError, "times must be evenly spaced (bin width 0.025); bin 50 is 0.035 after the one before"),
    ("times 2-D", lambda: align_trials(X, TIMES[:, None], [1.0], 0.1, 0.2), ValueError, "times must have 1 dimension(s)"),
    ("NaN event", lambda: align_trials(X, TIMES, [1.0, NAN], 0.1, 0.2), ValueError, "events contains 1 non-finite value(s) (NaN), first at row 1"),
    ("no events", lambda: align_trials(X, TIMES, [], 0.1, 0.2), ValueError, "events is empty"),
    ("before not whole bins", lambda: align_trials(X, TIMES, [1.0], 0.11, 0.2), ValueError, "before=0.11 is not a whole number of bins of width 0.025 (4.400 bins)"),
    ("negative after", lambda: align_trials(X, TIMES, [1.0], 0.1, -0.2), ValueError, "after must be a finite duration ≥ 0 in the units of `times`, got -0.2."),
    ("empty window", lambda: align_trials(X, TIMES, [1.0], 0, 0), ValueError, "before + after must span at least one bin"),
    ("window leaves recording", lambda: align_trials(X, TIMES, [0.05, 1.0, 2.45], 0.1, 0.2), ValueError, "2 of 3 window(s) leave the recording (0 to 2.5): events [0, 2]. Pass on_outside='drop'"),
    ("on_outside unknown", lambda: align_trials(X, TIMES, [1.0], 0.1, 0.2, on_outside="clip"), ValueError, "on_outside must be 'raise' or 'drop', got 'clip'."),
    # block_split
    ("two fractions", lambda: block_split(1000, (0.8, 0.2), 100), ValueError, "fractions must be 3 positive numbers (train, valid, test) summing to 1, got (0.8, 0.2)."),
    ("fractions sum", lambda: block_split(1000, (0.6, 0.3, 0.3), 100), ValueError, "summing to 1, got (0.6, 0.3, 0.3)"),
    ("negative fraction", lambda: block_split(1000, (1.2, -0.1, -0.1), 100), ValueError, "fractions must be 3 positive numbers"),
    ("string fractions", lambda: block_split(1000, "0.7,0.15,0.15", 100), ValueError, "fractions must be 3 positive numbers"),
    ("block shorter than segment", lambda: block_split(1000, block_len=40, segment_len=50), ValueError, "block_len=40 is shorter than segment_len=50"),
    ("too few blocks", lambda: block_split(1000, block_len=500), ValueError, "1000 bins in blocks of 500 make 2 block(s), too few for a train, valid and test part"),
    ("block_len 0", lambda: block_split(1000, block_len=0), ValueError, "block_len must be an integer ≥ 1 (bins per block), got 0."),
    ("bad seed", lambda: block_split(1000, random_state=-1), ValueError, "random_state must be in [0, 2**32), got -1"),
    # split_neurons
    ("held-out fraction 0", lambda: split_neurons(48, 0.0), ValueError, "held_out_fraction must be a number in (0, 1), got 0.0."),
    ("held-out fraction NaN", lambda: split_neurons(48, NAN), ValueError, "held_out_fraction must be a number in (0, 1), got nan."),
    ("one neuron", lambda: split_neurons(1, 0.5), ValueError, "n_neurons must be an integer ≥ 2 (a held-in and a held-out neuron at least), got 1."),
    # bits_per_spike / poisson_nll / co_bps / fp_bps
    ("shape mismatch", lambda: bits_per_spike(R, S[:, :, :5]), ValueError, "rates has shape (5, 20, 6) but spikes has shape (5, 20, 5); they must match."),
    ("negative rate", lambda: bits_per_spike(_with(R, (0, 0, 0), -0.1), S), ValueError, "rates has 1 negative value(s); a Poisson rate is ≥ 0."),
    ("NaN rate, observed bin", lambda: bits_per_spike(_with(R, (1, 2, 3), NAN), S), ValueError, "rates is NaN in 1 observed bin(s)"),
    ("inf rate", lambda: poisson_nll(_with(R, (1, 2, 3), INF), S), ValueError, "rates contains 1 non-finite value(s) (inf)"),
    ("negative count", lambda: bits_per_spike(R, _with(S, (0, 1, 2), -1)), ValueError, "spikes has 1 negative count(s); spike counts are ≥ 0."),
    ("inf count", lambda: bits_per_spike(R, _with(S, (0, 1, 2), INF)), ValueError, "spikes contains 1 non-finite value(s) (inf)"),
    ("no spikes", lambda: bits_per_spike(R, 0 * S), ValueError, "spikes holds no spike at all"),
    ("1-D rates", lambda: bits_per_spike(R[0, :, 0], S[0, :, 0]), ValueError, "rates must have 2 or 3 dimension(s)"),
    ("held_out out of range", lambda: co_bps(R, S, held_out=[1, 6]), ValueError, "held_out has neuron index 6, outside 0 … 5 (6 neurons)."),
    ("held_out repeated", lambda: co_bps(R, S, held_out=[1, 1]), ValueError, "held_out lists a neuron more than once."),
    ("held_out floats", lambda: co_bps(R, S, held_out=[1.0, 2.0]), ValueError, "held_out must be a non-empty 1-D array of neuron indices (integers), got float64"),
    ("n_forward too long", lambda: fp_bps(R, S, 21), ValueError, "n_forward=21 exceeds the 20 time bins of spikes."),
    ("n_forward 0", lambda: fp_bps(R, S, 0), ValueError, "n_forward must be an integer ≥ 1 (forecast bins), got 0."),
    # gaussian_smooth / fit_poisson_glm / smoothing_baseline
    ("negative sigma", lambda: gaussian_smooth(X, -1), ValueError, "sigma must be a finite width ≥ 0 in time bins, got -1."),
    ("NaN sigma", lambda: gaussian_smooth(X, NAN), ValueError, "sigma must be a finite width ≥ 0 in time bins, got nan."),
    ("GLM rows", lambda: fit_poisson_glm(X[:10, :2], X[:11, 2:], X[:5, :2]), ValueError, "inputs has 10 bins but spikes has 11; they must be the same bins."),
    ("GLM columns", lambda: fit_poisson_glm(X[:10, :2], X[:10, 2:], X[:5, :3]), ValueError, "inputs_eval has 3 regressors but inputs has 2."),
    ("GLM negative counts", lambda: fit_poisson_glm(X[:10, :2], -X[:10, 2:] - 1, X[:5, :2]), ValueError, "spikes has negative counts"),
    ("GLM negative alpha", lambda: fit_poisson_glm(X[:10, :2], X[:10, 2:], X[:5, :2], alpha=-1), ValueError, "alpha must be a finite penalty ≥ 0, got -1."),
    ("all neurons held out", lambda: smoothing_baseline(X, [0, 1, 2, 3], block_split(100, block_len=10)), ValueError, "held_out lists every neuron"),
    ("parts overlap", lambda: smoothing_baseline(X, [3], (np.arange(50), np.arange(45, 70), np.arange(70, 100))), ValueError, "the train and valid parts share 5 index(es), e.g. 45; parts must be disjoint."),
    ("part out of range", lambda: smoothing_baseline(X, [3], (np.arange(50), np.arange(50, 70), np.arange(70, 101))), ValueError, "the test part has index 100, outside 0 … 99."),
    ("split of two parts", lambda: smoothing_baseline(X, [3], (np.arange(50), np.arange(50, 100))), ValueError, "split must be a BlockSplit or a (train, valid, test) tuple"),
    ("empty sigma sweep", lambda: smoothing_baseline(X, [3], block_split(100, block_len=10), sigmas=()), ValueError, "sigmas must be a non-empty sequence of finite numbers ≥ 0 (Gaussian widths in bins), got ()."),
    ("negative alpha in sweep", lambda: smoothing_baseline(X, [3], block_split(100, block_len=10), alphas=(0.1, -1)), ValueError, "alphas must be a non-empty sequence of finite numbers ≥ 0 (GLM penalties)"),
    ("log_offset 0", lambda: smoothing_baseline(X, [3], block_split(100, block_len=10), log_offset=0), ValueError, "log_offset must be a finite number > 0"),
]


@pytest.mark.parametrize("call,exc,msg", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_fails_with_a_message_naming_it(call, exc, msg):
    with pytest.raises(exc) as e: call()
    assert msg in str(e.value), str(e.value)


# --- chopping and merging -------------------------------------------------------------------------------------------

def test_merge_of_chop_is_the_identity_bit_for_bit():
    rng = np.random.default_rng(1)
    for _ in range(300):
        T = int(rng.integers(1, 300)); L = int(rng.integers(1, T + 1)); o = int(rng.integers(0, L))
        x = rng.standard_normal((T, 3)) * 10.0 ** rng.integers(-200, 200)
        assert np.array_equal(merge(chop(x, L, o), T, o, smooth_pwr=float(rng.choice([0, 1, 2, np.inf]))), x), (T, L, o)


def test_round_trip_needs_the_end_aligned_last_segment():
    x = np.arange(23.0)[:, None]
    starts = chop_starts(23, 10, 4)                   # grid 0, 6, 12 ends at 22: one more segment, flush with the end
    assert starts.tolist() == [0, 6, 12, 13]
    assert np.array_equal(chop(x, 10, 4)[-1, :, 0], np.arange(13, 23))
    assert np.array_equal(merge(chop(x, 10, 4), 23, 4), x)


def test_chop_keeps_dtype_and_accepts_tensors():
    counts = RNG.poisson(2.0, (57, 3)).astype(np.int32)
    assert chop(counts, 10, 3).dtype == np.int32
    assert np.array_equal(merge(chop(counts, 10, 3), 57, 3), counts)
    f32 = counts.astype(np.float32)
    assert merge(chop(f32, 10, 3), 57, 3).dtype == np.float32
    assert np.array_equal(chop(torch.from_numpy(f32), 10, 3), chop(f32, 10, 3))


def test_merge_cross_fades_linearly_and_weights_sum_to_one():
    K = len(chop_starts(40, 10, 4))
    w = merge(np.broadcast_to(np.eye(K)[:, None, :], (K, 10, K)), 40, 4)
    np.testing.assert_allclose(w.sum(1), 1.0, atol=1e-12)
    np.testing.assert_allclose(w[6:10, 1], np.linspace(0.25, 0.75, 4), atol=1e-12)      # NLB's x = linspace(1/n, 1-1/n, n)
    np.testing.assert_allclose(w[6:10, 0], 1 - np.linspace(0.25, 0.75, 4), atol=1e-12)


def test_merge_matches_nlb_merge_chops():
    chop_mod = pytest.importorskip("nlb_tools.chop")
    rng = np.random.default_rng(2)
    for L, o, n in ((30, 10, 5), (20, 0, 4), (16, 8, 6), (9, 1, 7)):
        T = L + (n - 1) * (L - o)                       # a grid that ends on the last bin, as NLB's chopping assumes
        seg = rng.standard_normal((n, L, 3))            # different values where segments overlap: the blend shows
        assert np.array_equal(chop_starts(T, L, o), np.arange(n) * (L - o))
        for p in (1, 2):
            np.testing.assert_allclose(merge(seg, T, o, smooth_pwr=p), chop_mod.merge_chops(seg, o, smooth_pwr=p), atol=1e-12)
        x = rng.standard_normal((T, 3)).astype(np.float32)      # nlb_tools' chop_data returns float32
        np.testing.assert_array_equal(chop(x, L, o), chop_mod.chop_data(x, o, L))


# --- trial alignment ------------------------------------------------------------------------------------------------

def test_align_trials_windows_and_dropped_trials():
    x = np.arange(100.0)[:, None] * np.ones(2)
    w, kept = align_trials(x, TIMES, [1.0, 0.05, 1.2624, 2.45], before=0.1, after=0.2, on_outside="drop")
    assert kept.tolist() == [0, 2]                               # 0.05 s starts before the recording, 2.45 s runs past it
    assert w.shape == (2, 12, 2)
    assert w[0, :, 0].tolist() == list(range(36, 48))            # bin 40 holds 1.0 s: 4 bins before, 8 from it on
    assert w[1, 4, 0] == 50.0                                    # 1.2624 s lies inside bin 50


# --- blocked splits -------------------------------------------------------------------------------------------------

def test_no_time_bin_reaches_two_parts():
    rng = np.random.default_rng(3)
    for _ in range(60):
        L = int(rng.integers(5, 60)); o = int(rng.integers(0, L)); B = int(rng.integers(L, 4 * L + 1))
        T = int(rng.integers(4 * B, 40 * B))
        try: sp = block_split(T, (0.6, 0.2, 0.2), B, segment_len=L, overlap=o, random_state=int(rng.integers(100)))
        except ValueError as e:
            assert "no segment of" in str(e); continue
        starts = chop_starts(T, L, o)
        cover = {p: np.unique(starts[i][:, None] + np.arange(L)) for p, i in sp.segments.items()}
        for a in range(3):
            assert set(sp.part[cover[PARTS[a]]]) == {a}                       # a segment lies wholly inside its part
            for b in range(a + 1, 3): assert np.intersect1d(cover[PARTS[a]], cover[PARTS[b]]).size == 0
        assert sorted(np.concatenate([*sp.segments.values(), sp.dropped]).tolist()) == list(range(len(starts)))
        assert np.array_equal(np.sort(np.concatenate(list(sp.bins.values()))), np.arange(T))


def test_block_split_deals_whole_blocks_in_proportion():
    sp = block_split(2000, (0.7, 0.15, 0.15), 100, random_state=5)
    assert isinstance(sp, BlockSplit) and sp.segments is None and sp.dropped is None
    assert [len(b) for b in sp.bins.values()] == [1400, 300, 300]
    assert all(len(set(sp.part[i:i + 100])) == 1 for i in range(0, 2000, 100))
    assert not np.array_equal(sp.part, block_split(2000, (0.7, 0.15, 0.15), 100, random_state=6).part)


def test_split_neurons_is_a_seeded_partition():
    hi, ho = split_neurons(48, 0.25, 7)
    assert len(ho) == 12 and np.array_equal(np.union1d(hi, ho), np.arange(48)) and not np.intersect1d(hi, ho).size
    assert np.array_equal(split_neurons(48, 0.25, 7)[1], ho) and not np.array_equal(split_neurons(48, 0.25, 8)[1], ho)


# --- metrics --------------------------------------------------------------------------------------------------------

def _nlb_by_hand(rates, spikes):
    "NLB's bits per spike written out with math.lgamma, bin by bin (no NaN)."
    mean = spikes.reshape(-1, spikes.shape[-1]).mean(0)
    nll = lambda rate: sum(rate(idx) - spikes[idx] * math.log(rate(idx)) + math.lgamma(spikes[idx] + 1)
                           for idx in np.ndindex(spikes.shape))
    model = nll(lambda idx: rates[idx] if rates[idx] > 0 else 1e-9)
    null = nll(lambda idx: mean[idx[-1]] if mean[idx[-1]] > 0 else 1e-9)
    return (null - model) / spikes.sum() / math.log(2)


def test_bits_per_spike_by_hand():
    r, s = R[:2, :5, :3].copy(), S[:2, :5, :3].copy()
    r[0, 0, 0] = 0.0; s[0, 0, 0] = 0.0                          # a zero rate where no spike fell: counted as 1e-9
    assert bits_per_spike(r, s) == pytest.approx(_nlb_by_hand(r, s), abs=1e-12)
    assert bits_per_spike(s.mean((0, 1), keepdims=True) + 0 * s, s) == pytest.approx(0.0, abs=1e-12)
    assert co_bps(r, s, held_out=[0, 2]) == pytest.approx(_nlb_by_hand(r[..., [0, 2]], s[..., [0, 2]]), abs=1e-12)
    assert fp_bps(r, s, 2) == pytest.approx(_nlb_by_hand(r[:, -2:], s[:, -2:]), abs=1e-12)


def test_metrics_match_nlb_tools_on_the_same_arrays():
    ev = pytest.importorskip("nlb_tools.evaluation")
    rng = np.random.default_rng(4)
    for trial in range(5):
        rates = rng.gamma(1.5, 0.3, (30, 25, 10)); spikes = rng.poisson(rates * rng.uniform(0.5, 1.5, 10)).astype(float)
        rates[0, :4, 2] = 0.0                                       # zero rates: NLB's 1e-9
        spikes[:, :, 7] = 0.0                                       # a silent neuron: null rate 1e-9
        if trial % 2:                                               # NaN spikes (and rates) mark bins not observed
            spikes[3, 10:, :] = np.nan; rates[3, 10:, :] = np.nan
        theirs = ev.bits_per_spike(rates.copy(), spikes.copy())     # (nlb_tools writes 1e-9 into its input)
        assert abs(bits_per_spike(rates, spikes) - theirs) < 1e-6
        assert abs(poisson_nll(rates, spikes) - ev.neg_log_likelihood(rates.copy(), spikes.copy(), zero_warning=False)) < 1e-6 * abs(theirs) + 1e-6
        ho = np.array([1, 4, 7, 9])                                  # co-bps as nlb_tools.evaluate computes it
        assert abs(co_bps(rates, spikes, held_out=ho) - ev.bits_per_spike(rates[..., ho].copy(), spikes[..., ho].copy())) < 1e-6
        assert abs(co_bps(rates[..., ho], spikes[..., ho]) - co_bps(rates, spikes, held_out=ho)) < 1e-12
        hi = np.setdiff1d(np.arange(10), ho)                         # fp-bps: held-in and held-out forward bins, dstacked
        fwd = lambda a, idx: a[:, -5:, idx].copy()
        theirs_fp = ev.bits_per_spike(np.dstack([fwd(rates, hi), fwd(rates, ho)]), np.dstack([fwd(spikes, hi), fwd(spikes, ho)]))
        assert abs(fp_bps(rates, spikes, 5) - theirs_fp) < 1e-6


# --- the smoothing baseline -----------------------------------------------------------------------------------------

def _latent_spikes(T=2000, N=16, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(T)
    z = np.stack([np.sin(t / 30), np.cos(t / 47)], 1)
    return rng.poisson(np.exp(z @ rng.standard_normal((2, N)) - 1.0)).astype(float)


def test_smoothing_baseline_never_sees_test_targets():
    spk = _latent_spikes()
    sp = block_split(len(spk), block_len=100, random_state=0)
    a = smoothing_baseline(spk, [13, 14, 15], sp, sigmas=(1, 3), alphas=(0.01,))
    assert a["co_bps"] > 0.2 and a["rates"].shape == (len(sp.bins["test"]), 3)
    poked = spk.copy()
    poked[np.ix_(sp.bins["test"], [13, 14, 15])] = RNG.poisson(3.0, (len(sp.bins["test"]), 3))
    b = smoothing_baseline(poked, [13, 14, 15], sp, sigmas=(1, 3), alphas=(0.01,))
    assert np.array_equal(a["rates"], b["rates"])               # the test part's held-out spikes only score, never fit


def test_smoothing_baseline_on_trials():
    spk = _latent_spikes(2400, 12).reshape(40, 60, 12)                 # (K, L, N) trials
    res = smoothing_baseline(spk, [10, 11], (np.arange(28), np.arange(28, 34), np.arange(34, 40)), sigmas=(2,), alphas=(0.01,))
    assert res["rates"].shape == (6, 60, 2)
    assert res["co_bps"] == pytest.approx(co_bps(res["rates"], spk[34:, :, 10:]), abs=1e-12)


def test_glm_recovers_a_known_poisson_model():
    rng = np.random.default_rng(6)
    Xg = rng.standard_normal((5000, 3))
    y = rng.poisson(np.exp(Xg @ [0.5, -0.3, 0.0] - 0.5)).astype(float)[:, None]
    rate = fit_poisson_glm(Xg, y, np.zeros((1, 3)), alpha=0.0)
    assert rate[0, 0] == pytest.approx(np.exp(-0.5), rel=0.1)
