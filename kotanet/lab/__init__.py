"""The digital twin: the backbone as FRR routers in network namespaces, for rehearsing migrations."""
