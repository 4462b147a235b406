"""The conclusions' synthesis, from contrasts made up for it (no runs needed)."""

from dataclasses import dataclass, field

import pytest

from cnnlab.claims import Claims
from tests.test_verdicts import _contrast


@dataclass
class _Evidence:
    """What Claims reads of the evidence for the compression caveat."""

    drops: dict = field(default_factory=dict)
    lossy: float = 0.9

    def comparable(self) -> list[str]:
        return ["bn", "deep"]

    def name(self, variant: str) -> str:
        return {"tiny_vgg": "tiny VGG", "bn": "BN net", "deep": "deep net"}[variant]

    def lossy_fraction(self) -> float:
        return self.lossy

    @property
    def jpeg_drops(self) -> dict:
        return self.drops


def _claims(full: dict, exact: dict, drops: dict, lossy: float = 0.9) -> Claims:
    claims = Claims(results=None, evidence=_Evidence(drops, lossy), data=None)
    claims.__dict__["accuracy"] = {"full": full, "exact": exact}
    return claims


@pytest.mark.parametrize(
    ("drop", "expected"),
    [
        (
            (0.011, 0.25),
            "not detectably cost it more or less than the tiny VGG (+1.10 pp [0.10, 2.10], Holm p = 0.250)",
        ),
        ((0.02, 0.01), "costs it 2.00 pp [1.00, 3.00] more than the tiny VGG (Holm p = 0.010)"),
    ],
)
def test_a_verdict_on_the_full_test_set_alone_names_its_jpeg_derived_images(drop, expected):
    full = {"bn": _contrast(-0.027, 0.001), "deep": _contrast(-0.004, 0.4)}
    exact = {"bn": _contrast(-0.013, 0.13), "deep": _contrast(-0.003, 0.6)}
    caveat = _claims(full, exact, {"bn": (_contrast(*drop), None)})._compression_caveat()
    assert caveat.startswith(". The full test set is 90 % JPEG-derived copies (@sec-jpeg): the BN net's verdict")
    assert expected in caveat and "deep net" not in caveat
    # the lecturer: the drop's interval, scaled by the compressed share, bounds how much of the deficit it explains
    bound = 0.9 * (drop[0] + 0.01)  # the made-up drop's interval ends 1 pp above it
    assert caveat.endswith(f"account for up to {100 * bound:.2f} pp of its 2.70 pp deficit there")


def test_no_compression_caveat_where_the_exact_images_agree_or_nothing_is_compressed():
    both = {"bn": _contrast(-0.027, 0.001), "deep": _contrast(-0.004, 0.4)}
    assert _claims(both, both, {})._compression_caveat() == ""
    exact = {"bn": _contrast(-0.013, 0.13), "deep": _contrast(-0.003, 0.6)}
    assert _claims(both, exact, {}, lossy=0.0)._compression_caveat() == ""
    plain = _claims(both, exact, {})._compression_caveat()
    assert plain.endswith("the BN net's verdict rests on it alone")
