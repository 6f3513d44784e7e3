"""Write a small synthetic Allen/OpenScope-style movie session to an NWB file.

usage: python tools/make_nwb_fixture.py out.nwb [--preset allen] [--n-rois 20] [--movies movie_A,movie_B,movie_C]
                                                [--n-frames 30] [--repeats 10] [--tuning 1,0.6,0.2] [--noise 0.1]
                                                [--spontaneous 5] [--seed 0] [--no-quirks]

`--preset allen` starts from `neurolatent.allen.FIXTURE`, the session the Allen decoding tests and the
tutorial's offline run use (three 150-frame movies, strongly, moderately and weakly tuned); options given
explicitly override the preset.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing
from neurolatent.nwb import write_movie_fixture  # noqa: E402

_FLOATS = lambda s: [float(x) for x in s.split(",")]  # noqa: E731


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("path", type=Path, help="the .nwb file to write (overwritten)")
    p.add_argument("--preset", choices=["allen"], help="start from a named set of settings")
    p.add_argument("--n-rois", type=int, help="number of ROIs (default 20)")
    p.add_argument("--movies", type=lambda s: s.split(","), help="comma-separated movie names, in presentation order")
    p.add_argument("--n-frames", type=int, help="frames per movie (default 30)")
    p.add_argument("--repeats", type=int, help="presentations of each movie (default 10)")
    p.add_argument("--tuning", type=_FLOATS, help="comma-separated response strength per movie, dF/F")
    p.add_argument("--noise", type=float, help="std of the noise on every sample, dF/F (default 0.1)")
    p.add_argument("--spontaneous", type=float, help="grey-screen block before the movies, s (default 5)")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    p.add_argument("--no-quirks", action="store_true", help="store dF/F time-first with matching timestamps")
    a = p.parse_args(argv)
    settings = {}
    if a.preset == "allen":
        from neurolatent.allen import FIXTURE
        settings.update(FIXTURE)
    for name in ("n_rois", "movies", "n_frames", "repeats", "tuning", "noise", "spontaneous"):
        if getattr(a, name) is not None: settings[name] = getattr(a, name)
    path = write_movie_fixture(a.path, **settings, seed=a.seed, quirks=not a.no_quirks)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
