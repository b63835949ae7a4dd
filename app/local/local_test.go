package local_test

import (
	stdsync "sync"
	"testing"

	"jiuzhu/app/local"
	"jiuzhu/app/local/localtest"
)

func memOpener() localtest.DigestOpener {
	var mu stdsync.Mutex
	stores := map[string]*local.MemStore{}
	return func(t *testing.T, user, device string, dg *local.Digester) local.Store {
		mu.Lock()
		defer mu.Unlock()
		s, ok := stores[user]
		if !ok {
			s = local.NewMemStore(device)
			stores[user] = s
		}
		return s.WithDigester(dg)
	}
}

func TestMemStoreContract(t *testing.T) {
	open := memOpener()
	localtest.Run(t, func(t *testing.T, user, device string) local.Store {
		return open(t, user, device, localtest.Digester)
	})
	localtest.RunDigests(t, open)
	localtest.RunBlobs(t, func(t *testing.T, user, device string) local.Store {
		return open(t, user, device, localtest.Digester)
	})
}

func TestMemKeyringContract(t *testing.T) {
	localtest.RunKeyring(t, func(t *testing.T) func() *local.Keyring {
		kr := local.NewMemKeyring(local.KeyringOptions{Iterations: 1000})
		return func() *local.Keyring { return kr }
	})
}
