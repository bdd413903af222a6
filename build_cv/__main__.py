from build_cv.cli.entry import run

run()
