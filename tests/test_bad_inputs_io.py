"""Bad inputs at the I/O boundary fail loudly, early and clearly (issue 16, "nothing silent").

One case per distinct bad input, each asserting the exception type (or exit code) and a fragment of the message:
the `neurolatent` command line, `GridSearch` (its arguments, its records and its one-sweep-per-folder manifest),
the dataset registry and its downloads, and the NWB/DANDI readers (https only, explicit timeouts, fast offline).
No test touches the internet: offline behaviour is forced with NEUROLATENT_OFFLINE, and servers that never answer
or die mid-read run on 127.0.0.1.
"""
import contextlib
import functools
import hashlib
import http.server
import io
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from neurolatent import data as nl_data
from neurolatent.allen import load_movie_session
from neurolatent.cli import main, run_demo
from neurolatent.data import (ChecksumError, DatasetSpec, download_file, init, reachable, register_dataset,
                              search_path)
from neurolatent.grid_search import GridSearch, GridSearchError, read_records
from neurolatent.nwb import dandi_download, dandi_url, dff_traces, open_nwb, stream_nwb, write_movie_fixture


# ---------------------------------------------------------------------------------------------------------------
# The command line: exit code 2, a one-line argparse message, no traceback, and no output written
# ---------------------------------------------------------------------------------------------------------------

def run_cli(argv):
    "Exit code and stderr of `main(argv)`, run in this process."
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try: code = main(argv)
        except SystemExit as e: code = e.code
    return code, err.getvalue()


CLI_BAD = [  # (arguments after `neurolatent`, with {d} for a scratch folder holding a file `a-file`; message fragment)
    ("demo --iterations -5", "argument --iterations: must be a whole number ≥ 0, got '-5'"),
    ("demo --iterations many", "argument --iterations: must be a whole number ≥ 0, got 'many'"),
    ("demo --iterations 2.5", "argument --iterations: must be a whole number ≥ 0, got '2.5'"),
    ("demo --root {d}/nowhere", "argument --root: '{d}/nowhere' does not exist"),
    ("demo --root {d}/a-file", "argument --root: '{d}/a-file' is a file, not a folder"),
    ("demo --out {d}/a-file", "argument --out: '{d}/a-file' is a file, not a folder"),
    ("demo --out {d}/a-file/sub", "argument --out: '{d}/a-file/sub' cannot be created"),
    ("demo --device gpu", "argument --device: Unknown device 'gpu'"),
    ("demo --device cuda:99", "argument --device: device='cuda:99' was requested but"),
    ("demo --synthetic --root {d}", "argument --root: not allowed with --synthetic"),
    ("demo --synthetic --no-download", "argument --no-download: not allowed with --synthetic"),
    ("demo --fast", "unrecognized arguments: --fast"),
    ("demo --iterations", "argument --iterations: expected one argument"),
    ("datasets --root {d}/nowhere", "argument --root: '{d}/nowhere' does not exist"),
    ("", "the following arguments are required: cmd"),
    ("fit", "argument cmd: invalid choice: 'fit'"),
]


@pytest.mark.parametrize("args,message", CLI_BAD, ids=[a or "(nothing)" for a, _ in CLI_BAD])
def test_cli_rejects_bad_arguments_with_exit_2_before_writing(tmp_path, args, message):
    (tmp_path / "a-file").write_text("not a folder")
    argv = args.format(d=tmp_path).split()
    if argv and argv[0] == "demo": argv[1:1] = ["--out", str(tmp_path / "out")]
    code, err = run_cli(argv)
    assert code == 2, err
    assert message.format(d=tmp_path) in err and "Traceback" not in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]  # no output folder, no file


def test_cli_corrupt_data_file_exits_1_with_a_short_message_and_writes_nothing(tmp_path):
    (tmp_path / "rat_hippocampus").mkdir()
    (tmp_path / "rat_hippocampus" / "buddy.jl").write_bytes(b"not the recording")
    code, err = run_cli(["demo", "--out", str(tmp_path / "out"), "--root", str(tmp_path), "--iterations", "0"])
    assert code == 1 and err.startswith("neurolatent: error:") and "should have" in err, err
    assert "Traceback" not in err and not (tmp_path / "out").exists()


def test_cli_console_process_exits_2_without_traceback(tmp_path):
    "The real process: argparse's exit code 2 reaches the shell, the message is short, nothing is written."
    code = "import sys; from neurolatent.cli import main; sys.exit(main())"
    r = subprocess.run([sys.executable, "-c", code, "demo", "--out", str(tmp_path / "out"), "--root", str(tmp_path / "nope")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr
    assert "argument --root:" in r.stderr and "does not exist" in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) <= 5 and not (tmp_path / "out").exists()


@pytest.mark.parametrize("kwargs,exc,message", [
    (dict(out="{d}/a-file"), NotADirectoryError, "is a file, not a folder"),
    (dict(max_iterations=-1), ValueError, "max_iterations must be a whole number ≥ 0"),
    (dict(synthetic="yes"), TypeError, "synthetic must be True or False"),
    (dict(root="{d}/nowhere"), FileNotFoundError, "does not exist"),
], ids=["out-is-a-file", "negative-iterations", "synthetic-not-bool", "root-missing"])
def test_run_demo_checks_its_arguments_before_writing(tmp_path, kwargs, exc, message):
    (tmp_path / "a-file").write_text("x")
    kwargs = {k: v.format(d=tmp_path) if isinstance(v, str) else v for k, v in kwargs.items()}
    with pytest.raises(exc, match=message):
        run_demo(**{"out": str(tmp_path / "out"), **kwargs})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


# ---------------------------------------------------------------------------------------------------------------
# GridSearch: its arguments, its records, and one sweep per folder
# ---------------------------------------------------------------------------------------------------------------

X = np.random.default_rng(0).normal(size=(300, 8)).astype(np.float32)
TINY = dict(model_architecture="offset1-model", batch_size=32, max_iterations=3, output_dimension=2,
            num_hidden_units=8, random_state=0)


def fit(models_dir, datasets=None, params=None, **kw):
    return GridSearch().fit_models({"a": X} if datasets is None else datasets, TINY if params is None else params,
                                   models_dir, **{"backend": "sequential", "verbose": False, **kw})


@pytest.fixture(scope="module")
def sweep_template(tmp_path_factory):
    "A finished one-configuration sweep, made once; tests work on copies."
    folder = tmp_path_factory.mktemp("template") / "sweep"
    gs = fit(folder)
    assert gs.n_fitted_ == 1
    return folder


@pytest.fixture
def sweep(sweep_template, tmp_path):
    folder = tmp_path / "sweep"
    shutil.copytree(sweep_template, folder)
    return folder


def listing(folder): return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


GRID_BAD = [  # (fit_models keyword arguments, exception, message fragment)
    (dict(params={}), ValueError, "params must be a non-empty dict"),
    (dict(params=dict(TINY, learning_rate=[])), ValueError, "params['learning_rate'] is an empty list"),
    (dict(params=dict(TINY, lerning_rate=1e-3)), ValueError, "Did you mean 'learning_rate'?"),
    (dict(params=dict(TINY, learning_rate={1e-3, 1e-4})), TypeError, "holds a set"),
    (dict(params=dict(TINY, learning_rate=np.array([1e-3, 1e-4]))), TypeError, "holds a ndarray"),
    (dict(params=dict(TINY, time_offsets=[[1, 2]])), TypeError, "as a tuple"),
    (dict(params=dict(TINY, learning_rate=[float("nan")])), ValueError, "non-finite number"),
    (dict(params=dict(TINY, batch_size=[32, 0])), ValueError, "batch_size must be a positive integer"),
    (dict(n_jobs=0, backend="loky"), ValueError, "n_jobs must be a non-zero integer"),
    (dict(n_jobs=True, backend="loky"), ValueError, "n_jobs must be a non-zero integer"),
    (dict(n_jobs=2), ValueError, "n_jobs=2 needs backend='loky'"),
    (dict(n_jobs=2, backend="dask"), ValueError, "n_jobs= is not used by backend='dask'"),
    (dict(backend="threads"), ValueError, "backend must be one of"),
    (dict(errors="ignore"), ValueError, "errors must be 'raise' or 'warn'"),
    (dict(verbose="yes"), TypeError, "verbose must be True or False"),
    (dict(extend=1), TypeError, "extend must be True or False"),
    (dict(client="tcp://127.0.0.1:8786"), ValueError, "client= is used by backend='dask' only"),
    (dict(datasets={}), ValueError, "datasets must be a non-empty dict"),
    (dict(datasets={"a": X[:, 0]}), ValueError, "datasets['a'] X must have 2 dimension(s)"),
    (dict(datasets={"a": (X, X[:100, :1])}), ValueError, "y has 100 samples but X has 300"),
]


@pytest.mark.parametrize("kwargs,exc,message", GRID_BAD, ids=[f"{next(iter(k))}={str(next(iter(k.values())))[:24]}" for k, _, _ in GRID_BAD])
def test_grid_search_rejects_bad_arguments_before_writing(tmp_path, kwargs, exc, message):
    with pytest.raises(exc) as info:
        fit(tmp_path / "never", **kwargs)
    assert message in str(info.value), str(info.value)
    assert not (tmp_path / "never").exists()


@pytest.mark.parametrize("models_dir,exc,message", [
    (None, TypeError, "models_dir must be a folder path"),
    ("", TypeError, "models_dir must be a folder path"),
    ("{d}/a-file", NotADirectoryError, "is a file, not a folder"),
], ids=["None", "empty", "a-file"])
def test_grid_search_rejects_a_bad_models_dir(tmp_path, models_dir, exc, message):
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(exc) as info:
        fit(models_dir.format(d=tmp_path) if isinstance(models_dir, str) else models_dir)
    assert message in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


@pytest.mark.parametrize("model_file", ["../elsewhere.pt", "/tmp/elsewhere.pt", "sub/elsewhere.pt", "..\\elsewhere.pt", ".."])
def test_record_naming_a_model_outside_its_folder_is_refused(sweep, model_file):
    rec_path = next(p for p in sweep.glob("*.json") if p.name != "neurolatent-sweep.json")
    rec_path.write_text(json.dumps(dict(json.loads(rec_path.read_text()), model_file=model_file)))
    with pytest.raises(ValueError) as info: read_records(sweep)
    assert f"names model_file {model_file!r}, which is outside" in str(info.value)
    with pytest.raises(ValueError, match="which is outside"): fit(sweep)
    with pytest.raises(ValueError, match="which is outside"): GridSearch().get_df_results(models_dir=sweep)


def test_record_whose_model_is_a_link_to_elsewhere_is_refused(sweep, tmp_path):
    rec_path = next(p for p in sweep.glob("*.json") if p.name != "neurolatent-sweep.json")
    model = sweep / json.loads(rec_path.read_text())["model_file"]
    outside = tmp_path / "outside.pt"; shutil.move(model, outside); model.symlink_to(outside)
    with pytest.raises(ValueError, match="which is outside"): read_records(sweep)


def test_same_sweep_again_resumes_and_rewrites_nothing(sweep):
    before = listing(sweep)
    again = fit(sweep)
    assert (again.n_fitted_, again.n_skipped_) == (0, 1)
    assert listing(sweep) == before


def test_another_sweep_in_the_same_folder_is_refused(sweep):
    before = listing(sweep)
    with pytest.raises(ValueError) as info: fit(sweep, params=dict(TINY, learning_rate=[1e-3, 1e-2]))
    assert "holds another grid search" in str(info.value) and "Choose another models_dir" in str(info.value)
    assert listing(sweep) == before


def test_another_dataset_in_the_same_folder_is_refused_without_extend(sweep):
    with pytest.raises(ValueError, match="holds another grid search"): fit(sweep, datasets={"a": X, "b": X[:200]})


def test_extend_adds_a_sweep_to_the_folder(sweep):
    wider = fit(sweep, params=dict(TINY, learning_rate=[3e-4, 1e-3]), extend=True)  # 3e-4 is the default: one new fit
    assert (wider.n_fitted_, wider.n_skipped_) == (1, 1)
    assert len(json.loads((sweep / "neurolatent-sweep.json").read_text())["sweeps"]) == 2
    assert fit(sweep, params=dict(TINY, learning_rate=[3e-4, 1e-3])).n_fitted_ == 0  # now a known sweep: resumes


def test_changed_data_under_the_same_name_is_refused_even_with_extend(sweep):
    with pytest.raises(ValueError) as info: fit(sweep, datasets={"a": X + 1}, extend=True)
    assert "on different data under the dataset name(s) ['a']" in str(info.value)


def test_folder_from_before_manifests_with_other_records_is_refused(sweep):
    (sweep / "neurolatent-sweep.json").unlink()
    with pytest.raises(ValueError, match="already holds 1 configuration"): fit(sweep, params=dict(TINY, learning_rate=1e-2))
    assert fit(sweep).n_fitted_ == 0 and (sweep / "neurolatent-sweep.json").exists()  # its own sweep: adopted


def test_unreadable_manifest_is_refused(sweep):
    (sweep / "neurolatent-sweep.json").write_text("{not json")
    with pytest.raises(ValueError, match="is not a readable grid-search manifest"): fit(sweep)


# ---------------------------------------------------------------------------------------------------------------
# The dataset registry and downloads
# ---------------------------------------------------------------------------------------------------------------

def _loader(path): raise AssertionError("never called")
GOOD_SPEC = dict(name="bad-input-test", filename="toy.jl", url="https://example.org/toy.jl", md5="0" * 32, loader=_loader)

SPEC_BAD = [
    (dict(url="http://example.org/toy.jl"), ValueError, "only https:// is accepted"),
    (dict(url="ftp://example.org/toy.jl"), ValueError, "must be an https:// URL"),
    (dict(url="https:///toy.jl"), ValueError, "must be an https:// URL with a host name"),
    (dict(url=None), TypeError, "url must be a string"),
    (dict(md5="abc123"), ValueError, "md5 must be 32 lowercase hex digits"),
    (dict(md5="0" * 31 + "G"), ValueError, "md5 must be 32 lowercase hex digits"),
    (dict(filename="../toy.jl"), ValueError, "filename must be a plain file name"),
    (dict(filename="/etc/toy.jl"), ValueError, "filename must be a plain file name"),
    (dict(subdir="../up"), ValueError, "subdir must be a relative folder"),
    (dict(loader="load"), TypeError, "loader must be a function"),
    (dict(name=""), ValueError, "name must be a non-empty string"),
]


@pytest.mark.parametrize("change,exc,message", SPEC_BAD, ids=[f"{k}={v!r}"[:30] for c, _, _ in SPEC_BAD for k, v in c.items()])
def test_register_dataset_refuses_a_bad_spec(change, exc, message):
    with pytest.raises(exc) as info: register_dataset(DatasetSpec(**{**GOOD_SPEC, **change}))
    assert message in str(info.value)
    assert "bad-input-test" not in nl_data.get_options()


@pytest.mark.parametrize("call,exc,message", [
    (lambda d: init(7), TypeError, "dataset name must be a string"),
    (lambda d: init("rat-hippocampus-single-budy"), KeyError, "Did you mean one of"),
    (lambda d: init("rat-hippocampus-single-buddy", download="no"), TypeError, "download must be True or False"),
    (lambda d: init("rat-hippocampus-single-buddy", root=d / "a-file"), NotADirectoryError, "is a file, not a folder"),
    (lambda d: search_path(root=5), TypeError, "root must be a folder path"),
    (lambda d: download_file("http://example.org/x.jl", d / "x.jl"), ValueError, "only https:// is accepted"),
    (lambda d: download_file("https://example.org/x.jl", d / "x.jl", timeout=0), ValueError, "timeout must be a positive number"),
    (lambda d: download_file("https://example.org/x.jl", d / "x.jl", md5="XYZ"), ValueError, "md5 must be 32 lowercase hex"),
], ids=["name-not-str", "name-misspelt", "download-not-bool", "root-is-a-file", "root-not-a-path", "download-http",
        "download-timeout-0", "download-md5-malformed"])
def test_registry_and_download_reject_bad_arguments(tmp_path, call, exc, message):
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(exc) as info: call(tmp_path)
    assert message in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


class _FakeResponse(io.BytesIO):
    headers = {"Content-Length": "11"}


def test_download_with_wrong_checksum_is_discarded(tmp_path, monkeypatch):
    monkeypatch.setattr(nl_data, "reachable", lambda url, timeout=None: None)
    monkeypatch.setattr(nl_data, "_open", lambda url, timeout: _FakeResponse(b"wrong bytes"))
    with pytest.raises(ChecksumError, match="the file was discarded"):
        download_file("https://example.org/x.jl", tmp_path / "x.jl", md5="0" * 32, progress=False)
    assert list(tmp_path.iterdir()) == []  # no file, no temporary left behind
    good = hashlib.md5(b"wrong bytes").hexdigest()
    monkeypatch.setattr(nl_data, "_open", lambda url, timeout: _FakeResponse(b"wrong bytes"))
    assert download_file("https://example.org/x.jl", tmp_path / "x.jl", md5=good, progress=False).read_bytes() == b"wrong bytes"


def test_redirect_to_plain_http_is_refused():
    req = urllib.request.Request("https://example.org/x.jl")
    with pytest.raises(ConnectionError, match="which is not https://; refused"):
        nl_data._HTTPSRedirectsOnly().redirect_request(req, None, 302, "Found", {}, "http://example.org/x.jl")


@pytest.mark.parametrize("url,reason", [("not a url", "no host name"), ("https://host:port/x", "bad address")])
def test_reachable_names_a_malformed_address_at_once(url, reason):
    t0 = time.perf_counter()
    assert reason in reachable(url)
    assert time.perf_counter() - t0 < 0.5


# ---------------------------------------------------------------------------------------------------------------
# NWB and DANDI: https only, explicit timeouts, fast failure offline
# ---------------------------------------------------------------------------------------------------------------

ASSET = "sub-389014/sub-389014_ses-20180705T152908_behavior+image+ophys.nwb"

NWB_BAD = [
    (lambda d: stream_nwb("http://dandiarchive.s3.amazonaws.com/blobs/x"), ValueError, "only https:// is accepted"),
    (lambda d: stream_nwb("ftp://dandiarchive.org/x.nwb"), ValueError, "must be an https:// URL"),
    (lambda d: stream_nwb(str(d / "local.nwb")), ValueError, "open local files with open_nwb"),
    (lambda d: stream_nwb(42), TypeError, "stream_nwb url must be a string"),
    (lambda d: stream_nwb("https://example.org/x.nwb", timeout=0), ValueError, "timeout must be a positive number"),
    (lambda d: stream_nwb("https://example.org/x.nwb", timeout=float("inf")), ValueError, "timeout must be a positive number"),
    (lambda d: dandi_url("000036", ASSET, api_url="http://api.dandiarchive.org/api"), ValueError, "only https:// is accepted"),
    (lambda d: dandi_url("000036", ASSET, timeout="30"), ValueError, "timeout must be a positive number"),
    (lambda d: dandi_download("000036", ASSET, d / "a-file"), NotADirectoryError, "is a file; pass a folder"),
    (lambda d: dandi_download("000036", ASSET, d, api_url="api.dandiarchive.org"), ValueError, "must be an https:// URL"),
    (lambda d: dandi_download("DANDI:000036", ASSET, d), ValueError, "such as '000036'"),
    (lambda d: dandi_download("000036", "../" + ASSET, d), ValueError, "asset_path must be"),
    (lambda d: open_nwb("https://example.org/x.nwb"), ValueError, "Stream it with stream_nwb(url)"),
    (lambda d: load_movie_session("http://example.org/session.nwb"), ValueError, "only https:// is accepted"),
    (lambda d: load_movie_session(42), TypeError, "source must be an .nwb path, an https:// URL"),
]


@pytest.mark.parametrize("call,exc,message", NWB_BAD, ids=[
    "stream-http", "stream-ftp", "stream-local-path", "stream-int", "stream-timeout-0", "stream-timeout-inf",
    "dandi-url-http-api", "dandi-url-timeout-str", "dandi-dest-is-a-file", "dandi-api-no-scheme", "dandi-id-prefixed",
    "dandi-asset-up", "open-nwb-url", "session-http", "session-int"])
def test_nwb_readers_reject_bad_arguments_before_any_network_access(tmp_path, monkeypatch, call, exc, message):
    monkeypatch.setenv("NEUROLATENT_OFFLINE", "1")  # had any of them reached the network check, it would say so instead
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(exc) as info: call(tmp_path)
    assert message in str(info.value), str(info.value)


@pytest.mark.parametrize("call", [
    lambda d: stream_nwb("https://dandiarchive.s3.amazonaws.com/blobs/x"),
    lambda d: dandi_url("000036", ASSET),
    lambda d: dandi_download("000036", ASSET, d),
    lambda d: load_movie_session("https://dandiarchive.s3.amazonaws.com/blobs/x"),
], ids=["stream", "dandi-url", "dandi-download", "session-url"])
def test_offline_calls_fail_at_once_with_a_clear_message(tmp_path, monkeypatch, call):
    monkeypatch.setenv("NEUROLATENT_OFFLINE", "1")
    t0 = time.perf_counter()
    with pytest.raises(ConnectionError) as info: call(tmp_path)
    assert time.perf_counter() - t0 < 1
    assert "NEUROLATENT_OFFLINE is set" in str(info.value) and "open_nwb(path)" in str(info.value)
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def silent_port():
    "A port that accepts connections (so the reachability check passes) and never answers."
    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
    yield s.getsockname()[1]
    s.close()


@pytest.mark.parametrize("call", [
    lambda port: stream_nwb(f"https://127.0.0.1:{port}/session.nwb", timeout=0.5),
    lambda port: dandi_url("000036", ASSET, api_url=f"https://127.0.0.1:{port}/api", timeout=0.5),
], ids=["stream", "dandi-url"])
def test_a_server_that_never_answers_times_out(silent_port, call):
    t0 = time.perf_counter()
    with pytest.raises(ConnectionError, match="timed out"): call(silent_port)
    assert time.perf_counter() - t0 < 5  # two tries of 0.5 s, not the clients' retry loops


class _RangeHandler(http.server.SimpleHTTPRequestHandler):
    "Serve files with HTTP Range support, like S3 does."
    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if not path.is_file(): return self.send_error(404)
        data = path.read_bytes()
        first, last = 0, len(data) - 1
        if (asked := self.headers.get("Range")):
            a, b = asked.split("=")[1].split("-")
            first, last = int(a), min(int(b) if b else last, last)
        self.send_response(206 if asked else 200)
        if asked: self.send_header("Content-Range", f"bytes {first}-{last}/{len(data)}")
        self.send_header("Content-Length", str(last - first + 1))
        self.end_headers(); self.wfile.write(data[first:last + 1])
    def log_message(self, *args): pass


class _NoRangeHandler(_RangeHandler):
    "A server that ignores Range headers and always sends the whole file."
    def do_GET(self):
        del self.headers["Range"]
        super().do_GET()


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    if not shutil.which("openssl"): pytest.skip("openssl is needed to make a test certificate")
    d = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(d / "key.pem"), "-out", str(d / "cert.pem")],
                   check=True, capture_output=True)
    write_movie_fixture(d / "session.nwb", n_rois=400, seed=0)  # ~3 MB: reading it needs requests after opening
    return d


@contextlib.contextmanager
def https_server(folder, handler=_RangeHandler):
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH); tls.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try: yield server, f"https://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown(); server.server_close()


def test_stream_missing_file_says_404(tls_files, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_files / "cert.pem"))
    with https_server(tls_files) as (_, base):
        with pytest.raises(FileNotFoundError, match="HTTP 404"): stream_nwb(f"{base}/missing.nwb")


def test_stream_from_a_server_without_byte_ranges_is_refused(tls_files, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_files / "cert.pem"))
    with https_server(tls_files, _NoRangeHandler) as (_, base):
        with pytest.raises(ValueError, match="ignores byte ranges"): stream_nwb(f"{base}/session.nwb")


def test_stream_whose_server_dies_mid_read_fails_fast(tls_files, monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_files / "cert.pem"))
    with https_server(tls_files) as (server, base):
        handle = stream_nwb(f"{base}/session.nwb", timeout=0.5)
        data = handle.nwb.processing["ophys"]["DfOverF"]["imaging_plane_1"].data
        head = np.asarray(data[:2, :10])  # served while the server is up
    assert head.shape == (2, 10)
    t0 = time.perf_counter()
    with pytest.raises(ConnectionError, match="no answer from 127.0.0.1 after 2 tries"): data[:, :]
    assert time.perf_counter() - t0 < 5  # not remfile's 8 retries with back-off
    handle.close()
