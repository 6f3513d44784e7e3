"""`neurolatent.io`: every format round-trips exactly, and every distinct bad input fails with its own message.

Each round trip writes a small array with the format's own library (np.save, h5py, DataFrame.to_hdf, scipy.io.savemat,
a MATLAB v7.3 layout written with h5py, to_csv, to_excel, torch.save, joblib.dump, pickle.dump) into tmp_path and
reads it back with `load_data` (or `load_deeplabcut`), comparing values, dtype and shape exactly. Each bad input
asserts the exception type and a fragment of the message. All files are tiny; the suite runs in seconds.
"""
import importlib.util
import os
import pickle
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import h5py
import joblib
import numpy as np
import pandas as pd
import pytest
import scipy.io
import scipy.sparse
import torch

from neurolatent.io import Pose, load_data, load_deeplabcut

ROOT = Path(__file__).resolve().parents[1]
RNG = np.random.default_rng(0)
COUNTS = RNG.poisson(3.0, (40, 5))                                   # (T, N) int64
POS = RNG.standard_normal((40, 2)).astype(np.float32)                # (T, 2) float32: exact in every format
LABEL = np.repeat(np.arange(4), 10)                                  # (T,) int64
SPARSE = scipy.sparse.random(40, 6, density=0.1, format="csc", random_state=0)  # a sparse raster, as MATLAB keeps one


# ---------------------------------------------------------------------------------------------------------------
# Writers the tests share: MATLAB's v7.3 layout, and DeepLabCut's tables
# ---------------------------------------------------------------------------------------------------------------

_MATLAB_CLASS = {"f8": "double", "f4": "single", "i8": "int64", "i4": "int32", "u1": "uint8", "b1": "logical"}


def write_mat73(path, variables):
    "Write `variables` as MATLAB -v7.3 does: HDF5 behind a 512-byte MATLAB header, arrays column-major (transposed)."
    def put(group, name, v):
        if isinstance(v, dict):
            g = group.create_group(name)
            g.attrs["MATLAB_class"] = np.bytes_(b"struct")
            for k, x in v.items(): put(g, k, x)
        elif isinstance(v, str):
            ds = group.create_dataset(name, data=np.array([[ord(c)] for c in v], np.uint16))
            ds.attrs["MATLAB_class"] = np.bytes_(b"char")
        elif v is None:  # an empty MATLAB array: its dimensions stored as data, flagged MATLAB_empty
            ds = group.create_dataset(name, data=np.array([0, 0], np.uint64))
            ds.attrs["MATLAB_class"] = np.bytes_(b"double"); ds.attrs["MATLAB_empty"] = np.uint8(1)
        else:
            v = np.asarray(v)
            v = v.reshape(1, -1) if v.ndim == 1 else v
            ds = group.create_dataset(name, data=(v.astype(np.uint8) if v.dtype == bool else v).T)
            ds.attrs["MATLAB_class"] = np.bytes_(_MATLAB_CLASS[v.dtype.str[1:]].encode())
    with h5py.File(path, "w", userblock_size=512) as f:
        for k, v in variables.items(): put(f, k, v)
    with open(path, "r+b") as f:
        f.write(b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Thu Jan  1 00:00:00 2026 HDF5 schema 1.00 ."
                .ljust(116, b" ") + b"\0" * 8 + b"\x00\x02IM")


def dlc_frame(tracks, scorer="DLC_resnet50_testJan1shuffle1_1000"):
    "DeepLabCut's table: {keypoint: (T, 3)} single-animal, {animal: {keypoint: (T, 3)}} multi-animal."
    multi = isinstance(next(iter(tracks.values())), dict)
    flat = {(a, k): v for a, kv in tracks.items() for k, v in kv.items()} if multi else {(k,): v for k, v in tracks.items()}
    names = ["scorer", "individuals", "bodyparts", "coords"] if multi else ["scorer", "bodyparts", "coords"]
    cols = pd.MultiIndex.from_tuples([(scorer, *who, c) for who in flat for c in ("x", "y", "likelihood")], names=names)
    return pd.DataFrame(np.concatenate(list(flat.values()), axis=1), columns=cols)


def track(T=40, low=(), seed=1):
    "(T, 3) x, y, likelihood: x = 10 t, y = 5 t + 1; the frames in `low` get likelihood 0.1 and a wild position."
    t = np.arange(T, dtype=float)
    out = np.c_[10 * t, 5 * t + 1, np.full(T, 0.99)]
    out[list(low), :2] = np.random.default_rng(seed).uniform(500, 900, (len(low), 2))
    out[list(low), 2] = 0.1
    return out


# ---------------------------------------------------------------------------------------------------------------
# Round trips: one case per format (and per layout within a format)
# ---------------------------------------------------------------------------------------------------------------

def _npy(p):
    np.save(p / "a.npy", POS); return p / "a.npy", {}, POS
def _npy_int_1d(p):
    np.save(p / "a.npy", LABEL.astype(np.int32)); return p / "a.npy", {}, LABEL
def _npy_float64(p):
    np.save(p / "a.npy", POS.astype(np.float64)); return p / "a.npy", {}, POS
def _npy_bool(p):
    np.save(p / "a.npy", LABEL > 1); return p / "a.npy", {}, (LABEL > 1).astype(np.int64)
def _npy_upper_case(p):
    with open(p / "A.NPY", "wb") as f: np.save(f, COUNTS)  # np.save(path) would add .npy to the name
    return p / "A.NPY", {}, COUNTS
def _npz(p):
    np.savez(p / "a.npz", counts=COUNTS, pos=POS); return p / "a.npz", {"key": "counts"}, COUNTS
def _npz_single(p):
    np.savez(p / "a.npz", POS); return p / "a.npz", {}, POS
def _npz_compressed(p):
    np.savez_compressed(p / "a.npz", zeros=np.zeros((3000, 50)), pos=POS); return p / "a.npz", {"key": "zeros"}, np.zeros((3000, 50), np.float32)
def _h5(p):
    with h5py.File(p / "a.h5", "w") as f: f["pos"] = POS
    return p / "a.h5", {}, POS
def _h5_nested(p):
    with h5py.File(p / "a.hdf5", "w") as f:
        f["counts"] = COUNTS
        f.create_group("behaviour/tracking")["pos"] = POS
    return p / "a.hdf5", {"key": "behaviour/tracking/pos"}, POS
def _pandas_hdf_table(p):
    pd.DataFrame(POS, columns=["x", "y"]).to_hdf(p / "a.h5", key="df", format="table"); return p / "a.h5", {}, POS
def _pandas_hdf_fixed(p):
    pd.DataFrame({"x": POS[:, 0], "lab": LABEL, "y": POS[:, 1]}).to_hdf(p / "a.h5", key="df", format="fixed")
    return p / "a.h5", {"columns": ["x", "y"]}, POS
def _pandas_hdf_series(p):
    pd.Series(LABEL).to_hdf(p / "a.h5", key="s"); return p / "a.h5", {}, LABEL
def _pandas_hdf_beside_h5py(p):
    with h5py.File(p / "a.h5", "w") as f: f["counts"] = COUNTS
    pd.DataFrame(POS, columns=["x", "y"]).to_hdf(p / "a.h5", key="behaviour", mode="a", format="table")
    return p / "a.h5", {"key": "behaviour", "columns": ["x", "y"]}, POS
def _pandas_hdf_time_index(p):
    idx = pd.date_range("2026-01-01", periods=40, freq="25ms", tz="UTC")
    pd.DataFrame(POS, columns=["x", "y"], index=idx).to_hdf(p / "a.h5", key="df"); return p / "a.h5", {}, POS
def _mat_v5(p):
    scipy.io.savemat(p / "a.mat", {"counts": COUNTS, "pos": POS}); return p / "a.mat", {"key": "pos"}, POS
def _mat_v5_row_vector(p):
    scipy.io.savemat(p / "a.mat", {"label": LABEL.reshape(1, -1)}); return p / "a.mat", {}, LABEL
def _mat_v5_struct(p):
    scipy.io.savemat(p / "a.mat", {"s": {"counts": COUNTS, "fs": 40.0}}); return p / "a.mat", {"key": "s/counts"}, COUNTS
def _mat_v5_sparse(p):
    scipy.io.savemat(p / "a.mat", {"raster": SPARSE}); return p / "a.mat", {}, SPARSE.toarray().astype(np.float32)
def _mat_v73_sparse(p):
    write_mat73(p / "a.mat", {"x": COUNTS})
    with h5py.File(p / "a.mat", "a") as f:  # MATLAB's layout: compressed columns, the row count in MATLAB_sparse
        g = f.create_group("raster")
        g.attrs["MATLAB_class"] = np.bytes_(b"double"); g.attrs["MATLAB_sparse"] = np.uint64(SPARSE.shape[0])
        g["data"], g["ir"], g["jc"] = SPARSE.data, SPARSE.indices.astype(np.uint64), SPARSE.indptr.astype(np.uint64)
    return p / "a.mat", {"key": "raster"}, SPARSE.toarray().astype(np.float32)
def _mat_v73(p):
    write_mat73(p / "a.mat", {"counts": COUNTS, "pos": POS}); return p / "a.mat", {"key": "counts"}, COUNTS
def _mat_v73_vector(p):
    write_mat73(p / "a.mat", {"label": LABEL}); return p / "a.mat", {}, LABEL
def _mat_v73_struct_logical(p):
    write_mat73(p / "a.mat", {"s": {"moving": LABEL > 1, "pos": POS}}); return p / "a.mat", {"key": "/s/moving"}, (LABEL > 1).astype(np.int64)
def _csv(p):
    pd.DataFrame(POS, columns=["x", "y"]).to_csv(p / "a.csv"); return p / "a.csv", {}, POS
def _csv_no_index_columns(p):
    pd.DataFrame({"x": POS[:, 0], "name": "a", "y": POS[:, 1]}).to_csv(p / "a.csv", index=False)
    return p / "a.csv", {"columns": ["x", "y"]}, POS
def _csv_headerless(p):
    np.savetxt(p / "a.csv", COUNTS, delimiter=",", fmt="%d"); return p / "a.csv", {}, COUNTS
def _csv_one_column(p):
    pd.DataFrame({"label": LABEL, "x": POS[:, 0]}).to_csv(p / "a.csv"); return p / "a.csv", {"columns": "label"}, LABEL
def _tsv(p):
    pd.DataFrame(COUNTS).to_csv(p / "a.tsv", sep="\t", index=False); return p / "a.tsv", {}, COUNTS
def _xlsx(p):
    pd.DataFrame(POS, columns=["x", "y"]).to_excel(p / "a.xlsx"); return p / "a.xlsx", {}, POS
def _xlsx_sheets(p):
    with pd.ExcelWriter(p / "a.xlsx") as w:
        pd.DataFrame(COUNTS).to_excel(w, sheet_name="counts", index=False)
        pd.DataFrame(POS, columns=["x", "y"]).to_excel(w, sheet_name="pos", index=False)
    return p / "a.xlsx", {"key": "pos", "columns": ["x", "y"]}, POS
def _pt_tensor(p):
    torch.save(torch.from_numpy(POS), p / "a.pt"); return p / "a.pt", {}, POS
def _pt_dict(p):
    torch.save({"counts": torch.from_numpy(COUNTS), "beh": {"pos": torch.from_numpy(POS)}}, p / "a.pt")
    return p / "a.pt", {"key": "beh/pos"}, POS
def _pt_bfloat16(p):
    torch.save(torch.from_numpy(POS).to(torch.bfloat16), p / "a.pth")
    return p / "a.pth", {}, torch.from_numpy(POS).to(torch.bfloat16).float().numpy()
def _jl(p):
    joblib.dump({"counts": COUNTS, "pos": POS}, p / "a.jl"); return p / "a.jl", {"key": "counts"}, COUNTS
def _joblib_list(p):
    joblib.dump({"trials": [COUNTS[:20], COUNTS[20:]]}, p / "a.joblib"); return p / "a.joblib", {"key": "trials/1"}, COUNTS[20:]
def _pkl(p):
    with open(p / "a.pkl", "wb") as f: pickle.dump(POS, f, protocol=4)
    return p / "a.pkl", {}, POS
def _pickle_protocol3(p):
    with open(p / "a.pickle", "wb") as f: pickle.dump({"counts": COUNTS}, f, protocol=3)
    return p / "a.pickle", {}, COUNTS


ROUND_TRIPS = [_npy, _npy_int_1d, _npy_float64, _npy_bool, _npy_upper_case, _npz, _npz_single, _npz_compressed,
               _h5, _h5_nested, _pandas_hdf_table, _pandas_hdf_fixed, _pandas_hdf_series, _pandas_hdf_beside_h5py,
               _pandas_hdf_time_index, _mat_v5, _mat_v5_row_vector, _mat_v5_struct, _mat_v5_sparse, _mat_v73, _mat_v73_sparse, _mat_v73_vector,
               _mat_v73_struct_logical, _csv, _csv_no_index_columns, _csv_headerless, _csv_one_column, _tsv, _xlsx,
               _xlsx_sheets, _pt_tensor, _pt_dict, _pt_bfloat16, _jl, _joblib_list, _pkl, _pickle_protocol3]


@pytest.mark.parametrize("write", ROUND_TRIPS, ids=lambda f: f.__name__.lstrip("_"))
def test_format_round_trips_exactly(tmp_path, write):
    path, kw, expected = write(tmp_path)
    got = load_data(path, **kw)
    want_dtype = np.float32 if expected.dtype.kind == "f" else np.int64
    assert got.dtype == want_dtype and got.shape == expected.shape, (got.dtype, got.shape, expected.shape)
    np.testing.assert_array_equal(got, expected)
    assert got.flags.c_contiguous and got.flags.writeable


def test_str_paths_and_home_paths_are_accepted(tmp_path, monkeypatch):
    np.save(tmp_path / "a.npy", POS)
    np.testing.assert_array_equal(load_data(str(tmp_path / "a.npy")), POS)
    monkeypatch.setenv("HOME", str(tmp_path))
    np.testing.assert_array_equal(load_data("~/a.npy"), POS)


def test_matlab_v73_is_transposed_back_to_matlab_orientation(tmp_path):
    "MATLAB stores a T×N matrix column-major: the HDF5 dataset is N×T, and load_data gives T×N back."
    write_mat73(tmp_path / "a.mat", {"counts": COUNTS})
    with h5py.File(tmp_path / "a.mat") as f: assert f["counts"].shape == COUNTS.shape[::-1]
    assert (tmp_path / "a.mat").read_bytes()[:19] == b"MATLAB 7.3 MAT-file"
    assert load_data(tmp_path / "a.mat").shape == COUNTS.shape


def test_nan_in_a_table_is_kept_and_turns_integers_into_floats(tmp_path):
    (tmp_path / "a.csv").write_text("a,b\n1,2\n3,\n")
    got = load_data(tmp_path / "a.csv")
    assert got.dtype == np.float32 and np.isnan(got[1, 1]) and got[0, 1] == 2


# ---------------------------------------------------------------------------------------------------------------
# DeepLabCut round trips
# ---------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", [".h5", ".csv"])
def test_deeplabcut_single_animal_round_trips(tmp_path, suffix):
    snout, tail = track(), track(low=[0, 5, 6, 39])
    df = dlc_frame({"snout": snout, "tail": tail})
    path = tmp_path / f"videoDLC{suffix}"
    df.to_hdf(path, key="df_with_missing", format="table") if suffix == ".h5" else df.to_csv(path)
    pose = load_deeplabcut(path)
    assert isinstance(pose, Pose) and pose.keypoints == ["snout", "tail"] and pose.coords.dtype == np.float32
    assert pose.low_likelihood == {"snout": 0, "tail": 4}
    assert pose.columns == ["snout_x", "snout_y", "tail_x", "tail_y"]
    clean = track()[:, :2]
    clean[0] = clean[1]; clean[39] = clean[38]                                  # edges held constant
    np.testing.assert_allclose(pose.coords, np.c_[snout[:, :2], clean], rtol=0, atol=1e-4)  # the rest lies on the line
    keep = load_deeplabcut(path, keypoints=["tail"], missing="keep")
    np.testing.assert_array_equal(keep.coords, tail[:, :2].astype(np.float32))
    np.testing.assert_array_equal(keep.likelihood[:, 0], tail[:, 2].astype(np.float32))
    nan = load_deeplabcut(path, keypoints="tail", missing="nan")
    assert nan.coords.shape == (40, 2) and np.isnan(nan.coords).sum() == 8
    assert load_deeplabcut(path, missing="raise", keypoints=["snout"]).low_likelihood == {"snout": 0}
    assert "below pcutoff=0.6: snout 0, tail 4" in repr(pose)


@pytest.mark.parametrize("suffix", [".h5", ".csv"])
def test_deeplabcut_multi_animal_round_trips(tmp_path, suffix):
    m2 = track(seed=2); m2[:3] = np.nan                                         # mouse2 not detected at first
    df = dlc_frame({"mouse1": {"snout": track()}, "mouse2": {"snout": m2}, "single": {"feeder": track()}})
    path = tmp_path / f"videoDLC{suffix}"
    df.to_hdf(path, key="df_with_missing", format="table") if suffix == ".h5" else df.to_csv(path)
    p2 = load_deeplabcut(path, individual="mouse2")
    assert p2.individual == "mouse2" and p2.low_likelihood == {"snout": 3}
    np.testing.assert_array_equal(p2.coords[:3], np.repeat(p2.coords[3:4], 3, axis=0))
    np.testing.assert_array_equal(load_deeplabcut(path, individual="single").keypoints, ["feeder"])
    assert np.isnan(load_deeplabcut(path, individual="mouse2", missing="keep").coords[:3]).all()


# ---------------------------------------------------------------------------------------------------------------
# Bad inputs: one case per distinct bad input, asserting the exception type and a message fragment
# ---------------------------------------------------------------------------------------------------------------

def _write(p, name, data):
    (p / name).write_bytes(data) if isinstance(data, bytes) else (p / name).write_text(data)
    return p / name


def _cut(p, name, write, keep):
    "Write a file with `write(path)`, then keep only its first `keep` bytes (negative: drop the last -keep)."
    path = p / name
    write(path)
    data = path.read_bytes()
    path.write_bytes(data[:keep])
    return path


def _bomb(p):
    "A zip whose one member unpacks to 8 MiB from a few hundred bytes: beyond what deflate (and np.savez_compressed) makes."
    import io
    buf = io.BytesIO()
    np.save(buf, np.zeros(2**20))
    with zipfile.ZipFile(p / "bomb.npz", "w", compression=zipfile.ZIP_BZIP2) as z: z.writestr("x.npy", buf.getvalue())
    return p / "bomb.npz"


def _h5_with_strings(p):
    with h5py.File(p / "a.h5", "w") as f: f["names"] = np.array(["a", "b"], dtype=h5py.string_dtype())
    return p / "a.h5"


def _h5_references(p):
    with h5py.File(p / "a.h5", "w") as f:
        f["x"] = COUNTS
        f.create_dataset("refs", data=[f["x"].ref], dtype=h5py.ref_dtype)
    return p / "a.h5"


def _mat_struct_array(p):
    "A 1×2 MATLAB struct array in -v7.3: its field is a dataset of references into '#refs#'."
    write_mat73(p / "a.mat", {})
    with h5py.File(p / "a.mat", "a") as f:
        refs = f.create_group("#refs#")
        refs["a"], refs["b"] = POS, POS
        s = f.create_group("s"); s.attrs["MATLAB_class"] = np.bytes_(b"struct")
        s.create_dataset("pos", data=np.array([[refs["a"].ref], [refs["b"].ref]]), dtype=h5py.ref_dtype)
    return p / "a.mat"


def _h5_groups_only(p):
    with h5py.File(p / "a.h5", "w") as f: f.create_group("empty/inside")
    return p / "a.h5"


def _h5_nested(p):
    with h5py.File(p / "a.h5", "w") as f:
        f["top"] = COUNTS
        f.create_group("beh/track")["pos"] = POS
    return p / "a.h5"


def _evil_pandas_hdf(p):
    pd.DataFrame(POS).to_hdf(p / "a.h5", key="df", format="fixed")
    with h5py.File(p / "a.h5", "r+") as f: f["df"].attrs["pandas_version"] = np.bytes_(b"cos\nsystem\n(S'echo hi'\ntR.")
    return p / "a.h5"


def _evil_then_garbage(p):
    "A pickled call followed by bytes that are no pickle: unpickling runs the call before it fails, so it is refused too."
    pd.DataFrame(POS).to_hdf(p / "a.h5", key="df", format="fixed")
    with h5py.File(p / "a.h5", "r+") as f: f["df"].attrs["note"] = np.bytes_(b"cos\nsystem\n(S'echo hi'\ntR\xff\xff.")
    return p / "a.h5"


def _xlsx_two_sheets(p):
    with pd.ExcelWriter(p / "a.xlsx") as w:
        pd.DataFrame(COUNTS).to_excel(w, sheet_name="counts")
        pd.DataFrame(POS).to_excel(w, sheet_name="pos")
    return p / "a.xlsx"


def _csv_with_text(p):
    pd.DataFrame({"x": POS[:, 0], "cond": "left"}).to_csv(p / "a.csv", index=False)
    return p / "a.csv"


def _dlc(p, name="videoDLC.h5", tracks=None):
    df = dlc_frame(tracks or {"snout": track(), "tail": track(low=[3, 4])})
    (df.to_hdf(p / name, key="df_with_missing", format="table") if name.endswith(".h5") else df.to_csv(p / name))
    return p / name


def _dlc_multi(p):
    return _dlc(p, "pairDLC.csv", {"mouse1": {"snout": track()}, "mouse2": {"snout": track()}})


def _no_module(monkeypatch, name):
    monkeypatch.setitem(sys.modules, name, None)  # `import name` now fails, as when it is not installed


BAD = [  # (id, make(tmp_path, monkeypatch) -> a call that must fail, exception type, message fragment)
    # --- paths and arguments
    ("missing-file", lambda p, m: lambda: load_data(p / "nope.npy"), FileNotFoundError, "No file at"),
    ("directory", lambda p, m: lambda: load_data(p), IsADirectoryError, "is a directory"),
    ("url", lambda p, m: lambda: load_data("https://example.org/a.npy"), ValueError, "is a URL; neurolatent.io reads local files"),
    ("path-not-a-path", lambda p, m: lambda: load_data(42), TypeError, "path must be a file path"),
    ("unknown-extension", lambda p, m: lambda: load_data(_write(p, "a.bin", b"\0" * 8)), ValueError,
     "has the extension '.bin', which load_data does not read. It reads .csv"),
    ("no-extension", lambda p, m: lambda: load_data(_write(p, "data", b"\0" * 8)), ValueError, "has the extension '(none)'"),
    ("old-xls", lambda p, m: lambda: load_data(_write(p, "a.xls", b"\0" * 8)), ValueError, "Save old .xls workbooks as .xlsx"),
    ("key-not-a-string", lambda p, m: lambda: load_data(_write(p, "a.csv", "a\n1\n"), key=0), TypeError, "key must be a string"),
    ("columns-a-float", lambda p, m: lambda: load_data(_write(p, "a.csv", "a\n1\n"), columns=1.5), TypeError,
     "columns must be column names (str), positions (int)"),
    # --- empty files
    ("empty-npy", lambda p, m: lambda: load_data(_write(p, "a.npy", b"")), ValueError, "a.npy is empty (0 bytes)"),
    ("empty-csv", lambda p, m: lambda: load_data(_write(p, "a.csv", b"")), ValueError, "a.csv is empty (0 bytes)"),
    ("empty-h5", lambda p, m: lambda: load_data(_write(p, "a.h5", b"")), ValueError, "a.h5 is empty (0 bytes)"),
    ("blank-csv", lambda p, m: lambda: load_data(_write(p, "a.csv", "\n\n")), ValueError, "holds no table: no header and no rows"),
    ("header-only-csv", lambda p, m: lambda: load_data(_write(p, "a.csv", "x,y\n")), ValueError, "has a header but no rows of data"),
    # --- .npy
    ("npy-not-npy", lambda p, m: lambda: load_data(_write(p, "a.npy", "just text, not an array")), ValueError,
     "is not a NumPy .npy file (it does not start with the .npy signature)"),
    ("npy-is-npz", lambda p, m: lambda: load_data(_cut(p, "a.npy", _savez_to_npy, None)),
     ValueError, "is a zip archive (an .npz?), not a .npy file"),
    ("npy-truncated", lambda p, m: lambda: load_data(_cut(p, "a.npy", lambda q: np.save(q, COUNTS), 200)), ValueError,
     "is a truncated or damaged .npy file"),
    ("npy-object-array", lambda p, m: lambda: load_data(_cut(p, "a.npy", lambda q: np.save(q, np.array([{}, 1], object)), None)),
     TypeError, "holds Python objects (an object array, stored as a pickle)"),
    ("npy-strings", lambda p, m: lambda: load_data(_cut(p, "a.npy", lambda q: np.save(q, np.array(["a", "b"])), None)),
     TypeError, "holds text (dtype <U1), not numbers"),
    ("npy-3d", lambda p, m: lambda: load_data(_cut(p, "a.npy", lambda q: np.save(q, np.zeros((2, 3, 4))), None)),
     ValueError, "has shape (2, 3, 4); load_data returns 1-D or 2-D arrays (time first)"),
    ("npy-scalar", lambda p, m: lambda: load_data(_cut(p, "a.npy", lambda q: np.save(q, np.float64(2.5)), None)),
     ValueError, "holds a single number (2.5), not a series over time"),
    ("npy-complex", lambda p, m: lambda: load_data(_cut(p, "a.npy", lambda q: np.save(q, np.ones(3, complex)), None)),
     ValueError, "Complex data not supported"),
    ("npy-zero-rows", lambda p, m: lambda: load_data(_cut(p, "a.npy", lambda q: np.save(q, np.zeros((0, 3))), None)),
     ValueError, "is empty (shape (0, 3))"),
    ("npy-beyond-float32", lambda p, m: lambda: load_data(_cut(p, "a.npy", lambda q: np.save(q, np.array([1.0, 1e300])), None)),
     ValueError, "has values beyond float32's range (largest |value| 1e+300"),
    ("npy-dates", lambda p, m: lambda: load_data(_cut(p, "a.npy", lambda q: np.save(q, np.arange(3).astype("M8[s]")), None)),
     TypeError, "holds dates or durations"),
    ("npy-records", lambda p, m: lambda: load_data(_cut(p, "a.npy", lambda q: np.save(q, np.zeros(3, [("a", "f4"), ("b", "i4")])), None)),
     TypeError, "holds records or raw bytes"),
    ("npy-given-key", lambda p, m: lambda: load_data(_cut(p, "a.npy", lambda q: np.save(q, POS), None), key="x"), ValueError,
     "a .npy file, which holds one array: key= picks one array of a file that holds several. Drop key='x'"),
    ("npy-given-columns", lambda p, m: lambda: load_data(_cut(p, "a.npy", lambda q: np.save(q, POS), None), columns=[0]),
     ValueError, "columns= picks columns of a table"),
    # --- .npz
    ("npz-not-zip", lambda p, m: lambda: load_data(_write(p, "a.npz", b"this is not a zip archive")), ValueError,
     "is not a NumPy .npz archive: not a zip archive, or a truncated one"),
    ("npz-truncated", lambda p, m: lambda: load_data(_cut(p, "a.npz", lambda q: np.savez(q, x=COUNTS), -30)), ValueError,
     "not a zip archive, or a truncated one"),
    ("npz-needs-key", lambda p, m: lambda: load_data(_cut(p, "a.npz", lambda q: np.savez(q, counts=COUNTS, pos=POS), None)),
     ValueError, "holds 2 arrays; pass key= one of: 'counts', 'pos'"),
    ("npz-wrong-key", lambda p, m: lambda: load_data(_cut(p, "a.npz", lambda q: np.savez(q, counts=COUNTS, pos=POS), None), key="count"),
     KeyError, "has no array 'count'. Did you mean 'counts'? It holds: 'counts', 'pos'"),
    ("npz-object-member", lambda p, m: lambda: load_data(_cut(p, "a.npz", lambda q: np.savez(q, x=np.array([None, 1], object)), None)),
     TypeError, "a.npz holds Python objects (an object array, stored as a pickle)"),
    ("npz-zip-bomb", lambda p, m: lambda: load_data(_bomb(p)), ValueError, "would unpack to 8.0 MiB"),
    ("npz-damaged-member", lambda p, m: lambda: load_data(_damage_member(p)), ValueError, "is truncated or damaged"),
    # --- HDF5
    ("h5-not-hdf5", lambda p, m: lambda: load_data(_write(p, "a.h5", b"plain text " * 20)), ValueError,
     "is not an HDF5 file, or a truncated or damaged one"),
    ("h5-truncated", lambda p, m: lambda: load_data(_cut(p, "a.h5", lambda q: _h5_nested(q.parent), 1500)), ValueError,
     "is not an HDF5 file, or a truncated or damaged one"),
    ("h5-needs-key-lists-nested", lambda p, m: lambda: load_data(_h5_nested(p)), ValueError,
     "holds 2 datasets; pass key= one of: 'beh/track/pos', 'top'"),
    ("h5-wrong-nested-key", lambda p, m: lambda: load_data(_h5_nested(p), key="beh/pos"), KeyError,
     "has no dataset 'beh/pos'. Did you mean 'beh/track/pos'? It holds: 'beh/track/pos', 'top'"),
    ("h5-strings", lambda p, m: lambda: load_data(_h5_with_strings(p)), TypeError, "a.h5 holds text, not numbers"),
    ("h5-references", lambda p, m: lambda: load_data(_h5_references(p), key="refs"), TypeError,
     "a.h5 holds HDF5 object references, not numbers"),
    ("mat-v73-struct-array", lambda p, m: lambda: load_data(_mat_struct_array(p)), TypeError,
     "holds HDF5 object references (a MATLAB struct array), not numbers"),
    ("h5-no-datasets", lambda p, m: lambda: load_data(_h5_groups_only(p)), ValueError, "holds no datasets"),
    ("pandas-hdf-unknown-column", lambda p, m: lambda: load_data(_cut(p, "a.h5", lambda q: pd.DataFrame(POS, columns=["x", "y"]).to_hdf(q, key="df"), None), columns=["x", "z"]),
     KeyError, "has no column 'z'. Its columns are: 'x', 'y'"),
    ("pandas-hdf-pickled-code", lambda p, m: lambda: load_data(_evil_pandas_hdf(p)), ValueError,
     "importing os.system: reading it could run code, so it is not read"),
    ("pandas-hdf-pickled-code-then-garbage", lambda p, m: lambda: load_data(_evil_then_garbage(p)), ValueError,
     "has an attribute (df.note) that pandas/PyTables would unpickle, importing os.system"),
    ("pandas-hdf-without-pytables", lambda p, m: (lambda path: (_no_module(m, "tables"), lambda: load_data(path))[1])(
        _cut(p, "a.h5", lambda q: pd.DataFrame(POS).to_hdf(q, key="df"), None)), ImportError, "pip install tables"),
    # --- MATLAB
    ("mat-garbage", lambda p, m: lambda: load_data(_write(p, "a.mat", "not a MATLAB file " * 20)), ValueError,
     "could not be read as a MATLAB .mat file"),
    ("mat-v5-truncated", lambda p, m: lambda: load_data(_cut(p, "a.mat", lambda q: scipy.io.savemat(q, {"x": COUNTS}), 300)),
     ValueError, "could not be read as a MATLAB .mat file"),
    ("mat-v5-needs-key", lambda p, m: lambda: load_data(_cut(p, "a.mat", lambda q: scipy.io.savemat(q, {"a": POS, "b": COUNTS}), None)),
     ValueError, "holds 2 variables; pass key= one of: 'a', 'b'"),
    ("mat-v5-wrong-struct-key", lambda p, m: lambda: load_data(_cut(p, "a.mat", lambda q: scipy.io.savemat(q, {"s": {"pos": POS}, "t": 1.0}), None), key="s/position"),
     KeyError, "has no variable 's/position'. Did you mean 's/pos'?"),
    ("mat-v5-text", lambda p, m: lambda: load_data(_cut(p, "a.mat", lambda q: scipy.io.savemat(q, {"name": "M12"}), None)),
     TypeError, "holds text (a MATLAB char array)"),
    ("mat-v5-cell", lambda p, m: lambda: load_data(_cut(p, "a.mat", lambda q: scipy.io.savemat(q, {"c": _cell(POS, COUNTS)}), None)),
     TypeError, "is a MATLAB cell array or struct array"),
    ("mat-v5-scalar", lambda p, m: lambda: load_data(_cut(p, "a.mat", lambda q: scipy.io.savemat(q, {"fs": 30.0}), None)),
     ValueError, "holds a single number (30.0)"),
    ("mat-v5-columns", lambda p, m: lambda: load_data(_cut(p, "a.mat", lambda q: scipy.io.savemat(q, {"x": POS}), None), columns=["x"]),
     ValueError, "columns= picks columns of a table"),
    ("mat-v73-truncated", lambda p, m: lambda: load_data(_cut(p, "a.mat", lambda q: write_mat73(q, {"x": COUNTS}), 700)),
     ValueError, "is not an HDF5 file, or a truncated or damaged one"),
    ("mat-v73-wrong-key", lambda p, m: lambda: load_data(_cut(p, "a.mat", lambda q: write_mat73(q, {"s": {"pos": POS}, "x": COUNTS}), None), key="s/p"),
     KeyError, "has no variable 's/p'. Did you mean 's/pos'? It holds: 's/pos', 'x'"),
    ("mat-v73-text", lambda p, m: lambda: load_data(_cut(p, "a.mat", lambda q: write_mat73(q, {"name": "M12"}), None)),
     TypeError, "holds text (a MATLAB char array)"),
    ("mat-v73-empty", lambda p, m: lambda: load_data(_cut(p, "a.mat", lambda q: write_mat73(q, {"e": None}), None)),
     ValueError, "is empty (an empty MATLAB array)"),
    # --- tables
    ("csv-text-column", lambda p, m: lambda: load_data(_csv_with_text(p)), TypeError,
     "column 'cond' holds text, not numbers"),
    ("csv-unknown-column", lambda p, m: lambda: load_data(_csv_with_text(p), columns=["x", "y"]), KeyError,
     "has no column 'y'. Its columns are: 'x', 'cond'"),
    ("csv-column-out-of-range", lambda p, m: lambda: load_data(_csv_with_text(p), columns=[5]), IndexError,
     "has 2 column(s), so column 5 is out of range"),
    ("csv-empty-columns-list", lambda p, m: lambda: load_data(_csv_with_text(p), columns=[]), ValueError, "columns is an empty list"),
    ("duplicate-column-name", lambda p, m: lambda: load_data(_dup_columns(p), columns="a"), ValueError,
     "has 2 columns named 'a'; pick one by position ([0, 1])"),
    ("csv-ragged", lambda p, m: lambda: load_data(_write(p, "a.csv", "a,b\n1,2\n3,4,5\n")), ValueError, "is not a regular table"),
    ("csv-binary", lambda p, m: lambda: load_data(_write(p, "a.csv", b"\xff\xfe\x00\x81\x92" * 50)), ValueError,
     "is not a text table (it is not UTF-8 text"),
    ("csv-key-given", lambda p, m: lambda: load_data(_csv_with_text(p), key="x"), ValueError,
     "is a table: key= picks one array of a file that holds several"),
    ("csv-is-deeplabcut", lambda p, m: lambda: load_data(_dlc(p, "videoDLC.csv")), ValueError,
     "looks like a DeepLabCut file (its header starts with 'scorer'); read it with load_deeplabcut"),
    ("tsv-with-commas", lambda p, m: lambda: load_data(_write(p, "a.tsv", "a,b\n1,2\n")), ValueError, "looks comma-separated"),
    ("csv-with-tabs", lambda p, m: lambda: load_data(_write(p, "a.csv", "a\tb\n1\t2\n")), ValueError, "looks tab-separated"),
    ("xlsx-not-a-workbook", lambda p, m: lambda: load_data(_write(p, "a.xlsx", b"not a zip")), ValueError,
     "is not a workbook (.xlsx): not a zip archive"),
    ("xlsx-needs-sheet", lambda p, m: lambda: load_data(_xlsx_two_sheets(p)), ValueError, "holds 2 sheets; pass key= one of: 'counts', 'pos'"),
    ("xlsx-wrong-sheet", lambda p, m: lambda: load_data(_xlsx_two_sheets(p), key="Pos"), KeyError, "has no sheet 'Pos'"),
    ("xlsx-without-openpyxl", lambda p, m: (_no_module(m, "openpyxl"), lambda: load_data(_write(p, "a.xlsx", b"PK")))[1],
     ImportError, "needs the 'openpyxl' package, which is not installed: pip install openpyxl"),
    # --- torch
    ("pt-not-zip", lambda p, m: lambda: load_data(_write(p, "a.pt", b"not a torch file")), ValueError,
     "is not a torch file: not a zip archive, or a truncated one"),
    ("pt-truncated", lambda p, m: lambda: load_data(_cut(p, "a.pt", lambda q: torch.save(torch.zeros(100), q), -50)), ValueError,
     "not a zip archive, or a truncated one"),
    ("pt-numpy-inside", lambda p, m: lambda: load_data(_cut(p, "a.pt", lambda q: torch.save({"x": POS}, q), None)), ValueError,
     "holds Python objects other than tensors and plain containers"),
    ("pt-wrong-key", lambda p, m: lambda: load_data(_cut(p, "a.pt", lambda q: torch.save({"a": torch.ones(3), "b": {"c": torch.ones(2)}}, q), None), key="c"),
     KeyError, "has no array 'c'. It holds: 'a', 'b/c'"),
    ("pt-sparse", lambda p, m: lambda: load_data(_cut(p, "a.pt", lambda q: torch.save(torch.eye(3).to_sparse(), q), None)),
     TypeError, "is a sparse tensor"),
    ("pt-text-leaf", lambda p, m: lambda: load_data(_cut(p, "a.pt", lambda q: torch.save({"x": torch.ones(2), "note": "hi"}, q), None), key="note"),
     TypeError, "a.pt holds text (dtype <U2), not numbers"),
    # --- pickles
    ("pickle-with-code", lambda p, m: lambda: load_data(_write(p, "a.pkl", pickle.dumps({"x": os.system}))), ValueError,
     "only NumPy arrays are allowed in data files. load_data reads pickles that hold only NumPy arrays"),
    ("pickle-dataframe", lambda p, m: lambda: load_data(_write(p, "a.pkl", pickle.dumps(pd.DataFrame(POS)))), ValueError,
     "only NumPy arrays are allowed"),
    ("pickle-garbage", lambda p, m: lambda: load_data(_write(p, "a.pkl", b"\x80\x04garbage that is no pickle")), ValueError,
     "is not a pickle, or a truncated or damaged one"),
    ("pickle-truncated", lambda p, m: lambda: load_data(_cut(p, "a.jl", lambda q: joblib.dump({"x": COUNTS}, q), 100)), ValueError,
     "a.jl is not a pickle, or a truncated or damaged one (EOFError)"),
    ("joblib-compressed", lambda p, m: lambda: load_data(_cut(p, "a.jl", lambda q: joblib.dump(COUNTS, q, compress=3), None)),
     ValueError, "is zlib-compressed (joblib.dump(..., compress=...)); load_data reads uncompressed pickles only"),
    ("joblib-needs-key", lambda p, m: lambda: load_data(_cut(p, "a.jl", lambda q: joblib.dump({"a": POS, "b": [COUNTS, COUNTS]}, q), None)),
     ValueError, "holds 3 arrays; pass key= one of: 'a', 'b/0', 'b/1'"),
    ("pickle-lone-array-given-key", lambda p, m: lambda: load_data(_write(p, "a.pkl", pickle.dumps(POS, protocol=4)), key="x"),
     ValueError, "holds one array, not named ones; drop key='x'"),
    ("pickle-empty-dict", lambda p, m: lambda: load_data(_write(p, "a.pkl", pickle.dumps({}))), ValueError, "holds no arrays"),
    # --- DeepLabCut
    ("dlc-missing-file", lambda p, m: lambda: load_deeplabcut(p / "nope.h5"), FileNotFoundError, "No file at"),
    ("dlc-wrong-extension", lambda p, m: lambda: load_deeplabcut(_write(p, "a.npy", b"x")), ValueError,
     "is not a DeepLabCut output: load_deeplabcut reads the .h5 and .csv files"),
    ("dlc-empty", lambda p, m: lambda: load_deeplabcut(_write(p, "a.csv", b"")), ValueError, "is empty (0 bytes)"),
    ("dlc-csv-not-dlc", lambda p, m: lambda: load_deeplabcut(_csv_with_text(p)), ValueError,
     "is not a DeepLabCut .csv: its first column should begin with the header rows scorer, bodyparts, coords"),
    ("dlc-h5-not-pandas", lambda p, m: lambda: load_deeplabcut(_h5_nested(p)), ValueError,
     "holds no pandas table; DeepLabCut's .h5 files hold one"),
    ("dlc-h5-flat-table", lambda p, m: lambda: load_deeplabcut(_cut(p, "a.h5", lambda q: pd.DataFrame(POS).to_hdf(q, key="df"), None)),
     ValueError, "is not a DeepLabCut table: its columns should have the levels scorer/bodyparts/coords"),
    ("dlc-unknown-keypoint", lambda p, m: lambda: load_deeplabcut(_dlc(p), keypoints=["snout", "nose"]), KeyError,
     "has no keypoint 'nose'. It tracks: 'snout', 'tail'"),
    ("dlc-keypoint-twice", lambda p, m: lambda: load_deeplabcut(_dlc(p), keypoints=["tail", "tail"]), ValueError,
     "keypoints lists 'tail' more than once"),
    ("dlc-no-keypoints", lambda p, m: lambda: load_deeplabcut(_dlc(p), keypoints=[]), ValueError, "keypoints is an empty list"),
    ("dlc-pcutoff-out-of-range", lambda p, m: lambda: load_deeplabcut(_dlc(p), pcutoff=1.5), ValueError,
     "pcutoff must be a number from 0 to 1 (a likelihood), got 1.5"),
    ("dlc-pcutoff-bool", lambda p, m: lambda: load_deeplabcut(_dlc(p), pcutoff=True), ValueError, "pcutoff must be a number"),
    ("dlc-unknown-missing", lambda p, m: lambda: load_deeplabcut(_dlc(p), missing="drop"), ValueError,
     "missing must be one of 'interpolate', 'nan', 'keep', 'raise', got 'drop'"),
    ("dlc-raise-on-low-points", lambda p, m: lambda: load_deeplabcut(_dlc(p), missing="raise"), ValueError,
     "2 point(s) are below pcutoff=0.6 (of 40 frames per keypoint): tail 2. A fit cannot take missing points: pass missing='interpolate'"),
    ("dlc-keypoint-never-tracked", lambda p, m: lambda: load_deeplabcut(_dlc(p, tracks={"snout": track(low=range(40))})), ValueError,
     "keypoint 'snout' is below pcutoff=0.6 in all 40 frames, so there is nothing to interpolate from"),
    ("dlc-multi-needs-individual", lambda p, m: lambda: load_deeplabcut(_dlc_multi(p)), ValueError,
     "is a multi-animal file; pass individual= one of: 'mouse1', 'mouse2'"),
    ("dlc-unknown-individual", lambda p, m: lambda: load_deeplabcut(_dlc_multi(p), individual="mouse3"), KeyError,
     "has no individual 'mouse3'. It tracks: 'mouse1', 'mouse2'"),
    ("dlc-single-given-individual", lambda p, m: lambda: load_deeplabcut(_dlc(p), individual="mouse1"), ValueError,
     "is a single-animal file (it has no individuals); drop individual='mouse1'"),
    ("dlc-individual-not-a-string", lambda p, m: lambda: load_deeplabcut(_dlc_multi(p), individual=1), TypeError,
     "individual must be a string"),
    ("dlc-two-scorers", lambda p, m: lambda: load_deeplabcut(_two_scorers(p)), ValueError, "holds the output of 2 networks"),
    ("dlc-no-likelihood", lambda p, m: lambda: load_deeplabcut(_no_likelihood(p)), ValueError,
     "keypoint 'snout' has no likelihood column"),
    ("dlc-text-values", lambda p, m: lambda: load_deeplabcut(_dlc_text(p)), TypeError, "keypoint 'snout' holds values that are not numbers"),
    ("dlc-no-frames", lambda p, m: lambda: load_deeplabcut(_dlc(p, "videoDLC.csv", {"snout": np.zeros((0, 3))})), ValueError,
     "holds no frames"),
    ("dlc-without-pytables", lambda p, m: (lambda path: (_no_module(m, "tables"), lambda: load_deeplabcut(path))[1])(_dlc(p)),
     ImportError, "pip install tables"),
]


def _cell(*arrays):
    "A MATLAB cell array, as scipy.io.savemat takes it: a 1-D object array."
    c = np.empty(len(arrays), dtype=object)
    c[:] = arrays
    return c


def _savez_to_npy(path):
    with open(path, "wb") as f: np.savez(f, x=POS)  # np.savez(path) would add .npz to the name


def _damage_member(p):
    "An .npz whose member's bytes were overwritten: the zip directory is intact, the data is not."
    np.savez(p / "a.npz", x=np.arange(1000.0))
    data = bytearray((p / "a.npz").read_bytes())
    start = data.index(b"\x93NUMPY")
    data[start:start + 10] = b"\0" * 10       # the .npy header inside the member: its magic and version
    (p / "a.npz").write_bytes(bytes(data))
    return p / "a.npz"


def _dup_columns(p):
    "A pandas table with two columns named 'a' (CSV readers rename duplicates; pandas HDF5 keeps them)."
    df = pd.DataFrame(np.ones((3, 2)), columns=["a", "a"])
    df.to_hdf(p / "dup.h5", key="df", format="table")
    return p / "dup.h5"


def _two_scorers(p):
    a = dlc_frame({"snout": track()}, scorer="netA")
    b = dlc_frame({"snout": track()}, scorer="netB")
    pd.concat([a, b], axis=1).to_hdf(p / "two.h5", key="df_with_missing", format="table")
    return p / "two.h5"


def _no_likelihood(p):
    df = dlc_frame({"snout": track()}).drop(columns="likelihood", level="coords")
    df.to_csv(p / "nolik.csv")
    return p / "nolik.csv"


def _dlc_text(p):
    path = _dlc(p, "textDLC.csv", {"snout": track()})
    lines = path.read_text().splitlines()
    lines[5] = lines[5].split(",", 1)[0] + ",left,ear,0.9"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("make,exc,fragment", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_fails_with_a_specific_message(tmp_path, monkeypatch, make, exc, fragment):
    call = make(tmp_path, monkeypatch)
    with pytest.raises(exc) as info:
        call()
    assert fragment in str(info.value), f"expected {fragment!r} in:\n{info.value}"


def test_bad_input_ids_are_unique_and_many():
    ids = [b[0] for b in BAD]
    assert len(ids) == len(set(ids)) and len(ids) >= 25


def test_every_error_names_the_file(tmp_path, monkeypatch):
    "Errors about a file's contents carry its path, so a loop over sessions says which one is bad."
    skip = {"url", "path-not-a-path", "key-not-a-string", "columns-a-float", "csv-empty-columns-list", "dlc-keypoint-twice",
            "dlc-no-keypoints", "dlc-pcutoff-out-of-range", "dlc-pcutoff-bool", "dlc-unknown-missing",
            "dlc-individual-not-a-string", "xlsx-without-openpyxl", "pandas-hdf-without-pytables", "dlc-without-pytables",
            "npy-given-columns", "mat-v5-columns"}
    for name, make, exc, _ in BAD:
        if name in skip: continue
        sub = tmp_path / name
        sub.mkdir()
        with pytest.raises(exc) as info:
            make(sub, monkeypatch)()
        assert str(sub) in str(info.value), f"{name}: {info.value}"


def test_optional_readers_are_not_imported_with_the_module():
    "openpyxl and PyTables load only when a workbook or a pandas HDF5 file is read."
    code = ("import sys, neurolatent.io; bad = [m for m in ('openpyxl', 'tables') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


def test_io_imports_only_core_and_data():
    import ast
    tree = ast.parse((ROOT / "neurolatent" / "io.py").read_text())
    ours = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 1}
    assert ours <= {"core", "data"}, ours
