from build_cv.cli.main import run

run()
