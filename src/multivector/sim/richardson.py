"""The Richardson arms-competition model (Richardson 1960, *Arms and Insecurity*).

dx/dt = k·y − a·x + g,   dy/dt = l·x − b·y + h

k, l: reactions to the rival's arms; a, b: fatigue (the cost of arms); g, h: grievances. When
a·b > k·l the system is stable and goes to

x* = (k·h + b·g) / (a·b − k·l),   y* = (l·g + a·h) / (a·b − k·l);

when a·b < k·l it runs away (an arms race). The simulator's realist lens uses the yearly,
rivalry-weighted form for all great powers at once (:func:`multivector.sim.mechanisms.richardson_arms_step`).
"""

from __future__ import annotations

import numpy as np


def richardson_equilibrium(k: float, l: float, a: float, b: float, g: float, h: float) -> tuple[float, float]:
    """The fixed point (x*, y*) = ((k·h + b·g)/(ab − kl), (l·g + a·h)/(ab − kl)); needs ab ≠ kl."""
    det = a * b - k * l
    if det == 0:
        raise ZeroDivisionError("a·b = k·l: the Richardson system has no unique equilibrium")
    return (k * h + b * g) / det, (l * g + a * h) / det


def richardson_path(
    x0: float, y0: float, k: float, l: float, a: float, b: float, g: float, h: float, t_end: float = 50.0, dt: float = 0.01
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Integrate the Richardson equations with classical Runge–Kutta (RK4); returns (t, x, y)."""
    n = int(round(t_end / dt))
    t = np.linspace(0.0, n * dt, n + 1)
    z = np.empty((n + 1, 2))
    z[0] = (x0, y0)
    A = np.array([[-a, k], [l, -b]], float)
    c = np.array([g, h], float)

    def f(v: np.ndarray) -> np.ndarray:
        return A @ v + c

    for i in range(n):
        v = z[i]
        k1 = f(v)
        k2 = f(v + 0.5 * dt * k1)
        k3 = f(v + 0.5 * dt * k2)
        k4 = f(v + dt * k3)
        z[i + 1] = v + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return t, z[:, 0], z[:, 1]
