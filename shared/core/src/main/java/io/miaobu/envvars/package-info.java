/** Per-project environment variables for builds, per target, encrypted at rest (DESIGN §6, §10). */
package io.miaobu.envvars;
