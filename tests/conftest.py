"""pytest configuration of the test suite (there is no pytest.ini / setup.cfg / pyproject.toml: the markers live here)."""


def pytest_configure(config):
    config.addinivalue_line("markers", "gpu: device tests (tests/test_gpu.py); run on NEUROLATENT_TEST_DEVICE (default cuda), "
                                       "skipped without CUDA; `pytest -m gpu` selects them, tools/gpu_check.sh runs them")
