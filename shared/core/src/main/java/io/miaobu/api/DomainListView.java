package io.miaobu.api;

import java.util.List;

/** A project's custom domains. */
@ApiSchema("DomainList")
public record DomainListView(List<DomainView> domains) {}
