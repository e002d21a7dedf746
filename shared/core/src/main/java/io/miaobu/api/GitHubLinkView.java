package io.miaobu.api;

/** Where to send the browser to connect a GitHub account to the signed-in user. */
@ApiSchema(response = "POST /api/v1/github/link")
public record GitHubLinkView(String url) {}
