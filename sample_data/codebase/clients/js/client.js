/**
 * @fileoverview A tinykv client for Node.js: get and put over HTTP.
 */
import { request } from "node:http";

const DEFAULT_PORT = 7070;

/**
 * Builds the URL of a key on a tinykv server.
 *
 * @param {string} host - the server's host name
 * @param {string} key - the key, URL-encoded here
 * @returns {string} the URL
 */
export function keyUrl(host, key) {
  return `http://${host}:${DEFAULT_PORT}/keys/${encodeURIComponent(key)}`;
}

/** Whether a status code means the key was found. */
export const isFound = (status) => status === 200;

export class Client {
  /**
   * A client for one server.
   * @param {string} host
   */
  constructor(host) {
    this.host = host;
  }

  /**
   * Fetches the value stored under `key`, or `null` when there is none.
   */
  async get(key) {
    const res = await fetch(keyUrl(this.host, key));
    return isFound(res.status) ? res.text() : null;
  }

  close() {
    this.host = null;
  }
}
