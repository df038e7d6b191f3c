/// <reference types="@remix-run/dev" />

// qrcode's browser build: its main one needs Node's fs and zlib, which workerd has not.
declare module "qrcode/lib/browser" {
  export * from "qrcode";
}
