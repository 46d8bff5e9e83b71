"""Project configuration package.

Importing it (settings, wsgi, manage.py, the test settings: everything loads this first) pins the
numerical libraries to one thread per process before numpy or scikit-learn load: OpenBLAS, MKL
and OpenMP read these variables once, when their library is loaded. A web worker computes one run
at a time in one slot (simulations/runner.py), so more threads would only fight the other workers
for the cores. An operator can still choose another value by setting the variable.
"""

import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
