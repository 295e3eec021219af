// Every failure a user can meet when connecting, in plain words. Codes come from Node's
// net/tls/dns errors, OpenSSL, and MQTT CONNACK return codes (3.1.1) and reason codes (5.0).

export interface Failure {
  message: string
  /** Retrying cannot help (wrong password, untrusted certificate...): stop and show it. */
  fatal: boolean
}

const CONNACK_MESSAGES: Record<number, [string, boolean]> = {
  1: ['The broker does not support this MQTT version; choose another protocol version.', true],
  2: ['The broker rejected the client ID.', true],
  3: ['The broker is unavailable right now.', false],
  4: ['Not authorized: wrong username or password.', true],
  5: ['Not authorized: wrong username or password.', true],
  128: ['The broker refused the connection (unspecified error).', false],
  132: ['The broker does not support this MQTT version; choose another protocol version.', true],
  133: ['The broker rejected the client ID.', true],
  134: ['Not authorized: wrong username or password.', true],
  135: ['Not authorized: wrong username or password.', true],
  136: ['The broker is unavailable right now.', false],
  137: ['The broker is busy; try again later.', false],
  138: ['The broker has banned this client.', true],
  140: ['The broker does not accept this authentication method.', true],
  149: ['The connect packet is too large for the broker.', true],
  151: ['The broker quota is exceeded; try again later.', false],
  156: ['The broker says to use another server.', true],
  157: ['The broker has moved permanently.', true],
  159: ['The broker is limiting connection rate; try again later.', false]
}

/** Said for a connect that got no answer, whichever layer noticed it first. */
export function timedOut(target: string): Failure {
  return { message: `Timed out connecting to ${target}: no answer from the broker.`, fatal: false }
}

/**
 * `target` is host:port; `checkedName` is the name the server certificate was checked against
 * (the "Server name (SNI)" override, else the host).
 */
export function describeFailure(error: unknown, target: string, checkedName?: string): Failure {
  const e = error as { code?: string | number; message?: string; reason?: string }
  const code = e?.code
  const text = `${e?.message ?? ''} ${e?.reason ?? ''}`
  if (typeof code === 'number' && CONNACK_MESSAGES[code]) {
    const [message, fatal] = CONNACK_MESSAGES[code]
    return { message, fatal }
  }
  if (/not authori[sz]ed|bad user ?name or password/i.test(text)) {
    return { message: 'Not authorized: wrong username or password.', fatal: true }
  }
  switch (code) {
    case 'ERR_OSSL_BAD_DECRYPT':
    case 'ERR_OSSL_EVP_BAD_DECRYPT':
      return {
        message: 'Wrong key passphrase: the client key could not be decrypted.',
        fatal: true
      }
    case 'ECONNREFUSED':
      return {
        message: `Connection refused by ${target}: no broker is listening there.`,
        fatal: false
      }
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        message: `Host not found: ${target.replace(/:\d+$/, '')} does not resolve to an address.`,
        fatal: false
      }
    case 'ETIMEDOUT':
      return timedOut(target)
    case 'ECONNRESET':
    case 'EPIPE':
      return { message: `The connection to ${target} was reset.`, fatal: false }
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { message: `${target} is unreachable from this network.`, fatal: false }
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT':
      return {
        message:
          'Server certificate not trusted: it is not signed by the CA certificate you chose (or a system CA).',
        fatal: true
      }
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return {
        message: `Server name does not match the certificate: ${checkedName || target.replace(/:\d+$/, '')} is not a name in the server's certificate. Set "Server name (SNI)" to a name the certificate holds.`,
        fatal: true
      }
    case 'CERT_HAS_EXPIRED':
      return { message: 'The server certificate has expired.', fatal: true }
    case 'CERT_NOT_YET_VALID':
      return { message: 'The server certificate is not valid yet (check the clock).', fatal: true }
  }
  if (
    /certificate required|alert number 116|peer did not return a certificate|handshake failure/i.test(
      text
    )
  ) {
    return {
      message:
        'The broker requires a client certificate: choose a client certificate and key signed by a CA the broker trusts.',
      fatal: true
    }
  }
  if (/unknown ca|alert number 48|bad certificate|alert number 42/i.test(text)) {
    return {
      message:
        'The broker does not trust this client certificate (it was signed by an unknown CA).',
      fatal: true
    }
  }
  if (/bad decrypt|bad_decrypt/i.test(text)) {
    return { message: 'Wrong key passphrase: the client key could not be decrypted.', fatal: true }
  }
  if (/wrong version number|packet length too long|unexpected eof/i.test(text)) {
    return {
      message: `TLS failed: ${target} does not speak TLS on this port (try mqtt instead of mqtts).`,
      fatal: true
    }
  }
  if (/connack timeout|timed? ?out/i.test(text)) return timedOut(target)
  return { message: `Connection failed: ${e?.message ?? String(error)}`, fatal: false }
}
