package accounts

import (
	"context"
	"sync"
	"testing"

	"tadrib/internal/testdb"
	"tadrib/models"
)

// Nodes started together on an empty database each find no account and each
// create the first admin: one insert lands, the others meet the unique email
// and must start anyway (issue 14: one node exited with "that email already
// has an account").
func TestEnsureFirstAdminWhenNodesStartTogether(t *testing.T) {
	d := testdb.New(t)
	const nodes = 6
	var wg sync.WaitGroup
	errs := make([]error, nodes)
	created := make([]bool, nodes)
	start := make(chan struct{})
	for i := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := NewService(d) // each node its own service on the shared database
			<-start
			u, _, err := s.EnsureFirstAdmin(context.Background(), "admin@example.org", "une phrase assez longue")
			errs[i], created[i] = err, u.ID != 0
		}()
	}
	close(start)
	wg.Wait()
	n := 0
	for i := range nodes {
		if errs[i] != nil {
			t.Errorf("node %d: %v", i, errs[i])
		}
		if created[i] {
			n++
		}
	}
	var admins int64
	d.R.Model(&models.User{}).Where("role = ?", models.RoleAdmin).Count(&admins)
	if n != 1 || admins != 1 {
		t.Errorf("%d nodes say they created the admin, %d admins stored; want 1 and 1", n, admins)
	}
}
