import * as React from "react";

/** A badge that shows whether the server answered. */
export function Status({ up }: { up: boolean }): JSX.Element {
  return <span className={up ? "up" : "down"}>{up ? "online" : "offline"}</span>;
}
