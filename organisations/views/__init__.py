"""The organisations app's pages, one module per area: overview, people, partners, alliances, sharing."""
