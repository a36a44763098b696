"""tinypoly: a tiny pure-Python polynomial regression (the example plugin's "framework")."""

from __future__ import annotations

from collections.abc import Sequence

__version__ = "0.1.0"
__all__ = ["PolynomialRegressor"]


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting; raises ValueError for a singular system."""
    size = len(vector)
    rows = [row[:] + [value] for row, value in zip(matrix, vector, strict=True)]
    for col in range(size):
        pivot = max(range(col, size), key=lambda r: abs(rows[r][col]))
        if abs(rows[pivot][col]) < 1e-12:
            raise ValueError("the data does not determine a polynomial of this degree (singular system)")
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(col + 1, size):
            factor = rows[r][col] / rows[col][col]
            for c in range(col, size + 1):
                rows[r][c] -= factor * rows[col][c]
    solution = [0.0] * size
    for r in range(size - 1, -1, -1):
        solution[r] = (rows[r][size] - sum(rows[r][c] * solution[c] for c in range(r + 1, size))) / rows[r][r]
    return solution


class PolynomialRegressor:
    """``y ≈ c0 + c1·x + … + cd·x^d`` fitted by least squares."""

    def __init__(self, degree: int = 1) -> None:
        if not isinstance(degree, int) or degree < 0:
            raise ValueError(f"degree must be a non-negative integer, got {degree!r}")
        self.degree = degree
        self.coefficients: list[float] | None = None

    def get_params(self) -> dict[str, int]:
        return {"degree": self.degree}

    def fit(self, x: Sequence[float], y: Sequence[float]) -> PolynomialRegressor:
        if len(x) != len(y):
            raise ValueError(f"x and y differ in length ({len(x)} != {len(y)})")
        if len(x) <= self.degree:
            raise ValueError(f"a degree-{self.degree} fit needs more than {self.degree} points, got {len(x)}")
        powers = [[float(value) ** p for p in range(self.degree + 1)] for value in x]
        normal = [
            [sum(row[i] * row[j] for row in powers) for j in range(self.degree + 1)]
            for i in range(self.degree + 1)
        ]
        rhs = [
            sum(row[i] * float(target) for row, target in zip(powers, y, strict=True))
            for i in range(self.degree + 1)
        ]
        self.coefficients = _solve(normal, rhs)
        return self

    def predict(self, x: Sequence[float]) -> list[float]:
        if self.coefficients is None:
            raise RuntimeError("PolynomialRegressor is not fitted yet: call fit(x, y) first")
        return [sum(c * float(value) ** p for p, c in enumerate(self.coefficients)) for value in x]

    def mean_squared_error(self, x: Sequence[float], y: Sequence[float]) -> float:
        predictions = self.predict(x)
        return sum((p - float(t)) ** 2 for p, t in zip(predictions, y, strict=True)) / len(predictions)
