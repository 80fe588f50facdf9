package collectors_test

import (
	"testing"

	"github.com/gatewatch/gatewatch/collectors/fakeaws"
)

// TestCollectQUICListeners: NLB listeners may be QUIC or TCP_QUIC (AWS,
// "Listeners for your Network Load Balancers"). The collector keeps the
// protocol as AWS sends it, so GW214 can tell QUIC from plain TCP.
func TestCollectQUICListeners(t *testing.T) {
	t.Parallel()
	for _, protocol := range []string{"QUIC", "TCP_QUIC"} {
		t.Run(protocol, func(t *testing.T) {
			t.Parallel()
			world := loadWorld(t, "basic.json")
			found := false
			for i := range world.LoadBalancers {
				lb := &world.LoadBalancers[i]
				if lb.Type == "network" && len(lb.Listeners) > 0 {
					lb.Listeners[0].Protocol, lb.Listeners[0].Port = protocol, 443
					found = true
					break
				}
			}
			if !found {
				t.Fatal("basic.json has no NLB listener to turn into QUIC")
			}
			srv := fakeaws.New(world, fakeaws.Options{})
			defer srv.Close()

			got := collect(t, srv, "AKIDBASIC", "us-east-1", "eu-west-1")
			var protocols []string
			for _, lb := range got.LoadBalancers {
				if lb.Type == "network" {
					for _, l := range lb.Listeners {
						protocols = append(protocols, l.Protocol)
					}
				}
			}
			if len(protocols) != 1 || protocols[0] != protocol {
				t.Errorf("collected NLB listener protocols = %v, want [%s]", protocols, protocol)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("collected snapshot is invalid: %v", err)
			}
		})
	}
}
