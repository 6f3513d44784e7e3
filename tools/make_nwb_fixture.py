"""Write a small synthetic Allen/OpenScope-style movie session to an NWB file.

usage: python tools/make_nwb_fixture.py out.nwb [--n-rois 20] [--movies movie_A,movie_B,movie_C]
                                                [--n-frames 30] [--repeats 10] [--seed 0] [--no-quirks]
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing
from neurolatent.nwb import write_movie_fixture  # noqa: E402


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("path", type=Path, help="the .nwb file to write (overwritten)")
    p.add_argument("--n-rois", type=int, default=20, help="number of ROIs")
    p.add_argument("--movies", default="movie_A,movie_B,movie_C", help="comma-separated movie names")
    p.add_argument("--n-frames", type=int, default=30, help="frames per movie")
    p.add_argument("--repeats", type=int, default=10, help="presentations of each movie")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    p.add_argument("--no-quirks", action="store_true", help="store dF/F time-first with matching timestamps")
    a = p.parse_args(argv)
    path = write_movie_fixture(a.path, n_rois=a.n_rois, movies=a.movies.split(","), n_frames=a.n_frames,
                               repeats=a.repeats, seed=a.seed, quirks=not a.no_quirks)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
