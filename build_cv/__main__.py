import sys

from build_cv.cli.main import main

sys.exit(main())
