"""Gibbon's hardware simulator from Python, bit-identical to the Node CLI (`gibbon simulate --json`).

    import gibbon_sim
    r = gibbon_sim.simulate("vgg8", "mnsim-default", model="mnsim-2.0")
    r["totals"]["latency_ms"], r["layers"][0]["energy_uJ"], r["components"]["area_mm2"]["adc"]

Networks and architectures are what the CLI takes: zoo and preset names, paths of JSON files, or the same
JSON as dicts (lists for a bare layer list). Results are the CLI's public JSON as dicts. Bad input raises
GibbonError with the message Node prints. One kernel instance, made on first use; calls from several
threads take turns (a lock): the wasm2c runtime keeps its trap target and call depth in process globals.
For parallel evaluation use processes (multiprocessing), each with its own instance.
See README.md and docs/embedding.md.
"""
import ctypes
import json
import os
import threading

__all__ = ["GibbonError", "simulate", "simulate_batch", "MODELS"]

MODELS = ("gibbon", "mnsim-2.0")


class GibbonError(Exception):
    """Bad input (the message names the input, the field, the value and what is allowed), or a kernel bug."""


def _library_path():
    env = os.environ.get("GIBBON_SIM_LIBRARY")
    if env:
        return env
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "libgibbon_host.so")


def _load():
    path = _library_path()
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise ImportError(f"gibbon_sim: cannot load {path} ({e}); reinstall with "
                          "python3 -m pip install --no-build-isolation ./python, or set GIBBON_SIM_LIBRARY") from None
    char_pp = ctypes.POINTER(ctypes.c_void_p)
    lib.gibbon_host_new.restype = ctypes.c_void_p
    lib.gibbon_host_new.argtypes = [char_pp]
    lib.gibbon_host_free.argtypes = [ctypes.c_void_p]
    lib.gibbon_host_string_free.argtypes = [ctypes.c_void_p]
    lib.gibbon_host_simulate.restype = ctypes.c_void_p
    lib.gibbon_host_simulate.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                                         ctypes.c_int, ctypes.c_int, char_pp]
    lib.gibbon_host_simulate_batch.restype = ctypes.c_void_p
    lib.gibbon_host_simulate_batch.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                                               ctypes.c_int, ctypes.c_int, ctypes.c_int, char_pp]
    return lib


_lib = _load()
_lock = threading.Lock()  # the wasm2c 1.0.32 runtime is not thread-safe: one call at a time per process
_the_host = None


def _take(ptr):
    """The text of a string the library returned, then freed."""
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        _lib.gibbon_host_string_free(ptr)


class _Host:
    """One instance of the module (its own linear memory)."""

    def __init__(self):
        err = ctypes.c_void_p()
        self.ptr = _lib.gibbon_host_new(ctypes.byref(err))
        if not self.ptr:
            raise GibbonError(_take(err))

    def __del__(self):
        if getattr(self, "ptr", None):
            _lib.gibbon_host_free(self.ptr)
            self.ptr = None


def _host():
    """The process's instance (call with _lock held)."""
    global _the_host
    if _the_host is None:
        _the_host = _Host()
    return _the_host


def _spec(value, what):
    """A name or path as is; a dict (or a list of layers) as JSON text."""
    if isinstance(value, (dict, list)):
        try:
            return json.dumps(value).encode("utf-8")
        except (TypeError, ValueError) as e:
            raise GibbonError(f"{what}: not JSON ({e}); allowed: dicts, lists, strings, numbers, booleans, None") from None
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    raise GibbonError(f"{what}: got a value of type {type(value).__name__}; allowed: a zoo/preset name, a .json path, or a dict")


def _model(model):
    if not isinstance(model, str):
        raise GibbonError(f"model: got a value of type {type(model).__name__}; allowed: {', '.join(MODELS)}")
    return model.encode("utf-8")


def _call(ptr, err):
    if not ptr:
        raise GibbonError(_take(err.value) if err.value else "gibbon_sim: the simulator returned nothing")
    return json.loads(_take(ptr))


def simulate(network, arch="mnsim-default", model="gibbon", pipeline=True, detail="full"):
    """One network on one architecture: the CLI's public JSON as a dict (network, arch, model, pipeline,
    totals, layers, components). Defaults as in the CLI: mnsim-default, the gibbon model, the pipeline on.
    `detail="totals"` leaves out layers and components (several times faster per call)."""
    if detail == "totals":
        return simulate_batch(network, [arch], model=model, pipeline=pipeline, detail="totals")[0]
    if detail != "full":
        raise GibbonError(f'detail: got {json.dumps(detail)}; allowed: "full", "totals"')
    net, arch_spec, model_name = _spec(network, "network"), _spec(arch, "arch"), _model(model)
    err = ctypes.c_void_p()
    with _lock:
        ptr = _lib.gibbon_host_simulate(_host().ptr, net, arch_spec, model_name, 1 if pipeline else 0, 0, ctypes.byref(err))
    return _call(ptr, err)


def simulate_batch(network, archs, model="gibbon", pipeline=True, detail="full"):
    """One network on many architectures in one kernel call (the network is packed once). `archs`: a list of
    preset names, paths or dicts. `detail="totals"` returns only network, arch, model, pipeline and totals per
    architecture (gibbon_simulate_batch_totals: faster). Raises GibbonError for the first failed one."""
    if detail not in ("full", "totals"):
        raise GibbonError(f'detail: got {json.dumps(detail)}; allowed: "full", "totals"')
    items = []
    for a in archs:
        if isinstance(a, os.PathLike):
            a = os.fspath(a)
        if not isinstance(a, (str, dict)):
            raise GibbonError(f"archs: got a value of type {type(a).__name__}; allowed: preset names, .json paths or dicts")
        items.append(a)
    net, archs_spec, model_name = _spec(network, "network"), _spec(items, "archs"), _model(model)
    err = ctypes.c_void_p()
    with _lock:
        ptr = _lib.gibbon_host_simulate_batch(_host().ptr, net, archs_spec, model_name, 1 if pipeline else 0,
                                              1 if detail == "totals" else 0, 0, ctypes.byref(err))
    return _call(ptr, err)
