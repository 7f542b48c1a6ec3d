// The pure-JS X11 client has no types; native/x11-keys.ts types the little it uses.
declare module "x11";
