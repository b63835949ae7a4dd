package mem

import (
	"testing"

	"jiuzhu/server/store"
	"jiuzhu/server/store/storetest"
)

func TestContract(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(*testing.T) store.Store { return New() })
}
