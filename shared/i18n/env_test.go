package i18n

import "runtime"

func testingOnJS() bool { return runtime.GOOS == "js" }
