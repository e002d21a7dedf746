/** The Secrets port and its AES-256-GCM implementation (DESIGN §3). */
package io.miaobu.secrets;
