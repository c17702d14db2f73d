// Stylesheets are imported for their side effect: Bun's bundler emits them as /assets/<hash>.css.
declare module "*.css";
