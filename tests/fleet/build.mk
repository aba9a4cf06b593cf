# tests/fleet/: `make fleet`, the fleet scenarios of examples/etcd-cluster.yml
# (tests/README.md). Not part of `make test`, which runs only the
# smoke test (10-smoke): the scenarios boot a dozen TCG guests, up to four
# at once, and take about 15 minutes on 2 cores under TCG. Root, like `make test`.
fleet: deps
	$(MAKE) test-build
	STELE_FLEET=1 tests/run fleet/
.PHONY: fleet
