"""The PEP 517 build backend of gibbon_sim, stdlib only (pip needs no setuptools, no wheel, no network).

build_wheel runs `make -C ../examples/c libgibbon_host.so` (wasm2c on build/gibbon-hw.wasm, the wabt
runtime, libcjson: the C example's one recipe) and zips gibbon_sim/ with that library into a platform wheel.
It needs the repository around it: `npm ci && npm run build` first.
"""
import base64
import hashlib
import os
import subprocess
import sysconfig
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.normpath(os.path.join(HERE, "..", "examples", "c"))
LIBRARY = "libgibbon_host.so"
NAME, VERSION = "gibbon_sim", "0.1.0"


def _tag():
    return "py3-none-" + sysconfig.get_platform().replace("-", "_").replace(".", "_")


def _metadata():
    return (f"Metadata-Version: 2.1\nName: gibbon-sim\nVersion: {VERSION}\nRequires-Python: >=3.8\n"
            "Summary: Gibbon's memristor PIM hardware simulator from Python, bit-identical to the Node CLI\n")


def get_requires_for_build_wheel(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    info = os.path.join(metadata_directory, f"{NAME}-{VERSION}.dist-info")
    os.makedirs(info, exist_ok=True)
    with open(os.path.join(info, "METADATA"), "w") as f:
        f.write(_metadata())
    with open(os.path.join(info, "WHEEL"), "w") as f:
        f.write(f"Wheel-Version: 1.0\nGenerator: gibbon_build\nRoot-Is-Purelib: false\nTag: {_tag()}\n")
    return os.path.basename(info)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    if not os.path.isfile(os.path.join(EXAMPLE, "Makefile")):
        raise SystemExit(f"gibbon_sim: {EXAMPLE}/Makefile not found: install from a clone of the repository "
                         "(npm ci && npm run build, then python3 -m pip install ./python)")
    subprocess.check_call(["make", "-C", EXAMPLE, LIBRARY])
    files = [(os.path.join(HERE, NAME, "__init__.py"), f"{NAME}/__init__.py"),
             (os.path.join(EXAMPLE, LIBRARY), f"{NAME}/{LIBRARY}")]
    info = f"{NAME}-{VERSION}.dist-info"
    extra = {f"{info}/METADATA": _metadata(),
             f"{info}/WHEEL": f"Wheel-Version: 1.0\nGenerator: gibbon_build\nRoot-Is-Purelib: false\nTag: {_tag()}\n"}
    wheel = f"{NAME}-{VERSION}-{_tag()}.whl"
    record = []

    def digest(data):
        return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()

    with zipfile.ZipFile(os.path.join(wheel_directory, wheel), "w", zipfile.ZIP_DEFLATED) as z:
        for src, arc in files:
            with open(src, "rb") as f:
                data = f.read()
            z.writestr(arc, data)
            record.append(f"{arc},{digest(data)},{len(data)}")
        for arc, text in extra.items():
            z.writestr(arc, text)
            record.append(f"{arc},{digest(text.encode())},{len(text.encode())}")
        record.append(f"{info}/RECORD,,")
        z.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return wheel
