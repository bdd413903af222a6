import sys

from build_cv.cli import main

sys.exit(main())
