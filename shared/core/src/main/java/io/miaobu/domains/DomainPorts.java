package io.miaobu.domains;

/**
 * The outside systems custom domains need, chosen by each function's main (DESIGN §3).
 *
 * @param issuer {@link CertificateIssuer#NOT_CONFIGURED} in functions that never issue (the API)
 * @param wake asks the scheduler to look at due domains now (local mode runs it at once; FC waits for the next tick)
 */
public record DomainPorts(DnsLookup dns, CertificateStore certificates, EdgeHostnames edgeHostnames,
                          CertificateIssuer issuer, Runnable wake) {}
