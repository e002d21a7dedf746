/**
 * Build detection (DESIGN §6): the framework catalog ({@code frameworks.json}, data), the engine
 * that evaluates it over a {@link io.miaobu.build.detect.SourceTree}, package-manager detection,
 * and the few named strategies that read an output directory from a framework's own config.
 */
package io.miaobu.build.detect;
