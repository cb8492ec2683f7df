/**
 * Imported FIRST by every entrypoint, so it runs before any other module is evaluated: on an
 * older Node the process stops with one line naming the version to install, instead of a stack
 * trace from whichever dependency first needs a newer runtime. Keep it free of imports.
 */
export const REQUIRED_NODE_MAJOR = 24;

const major = Number(process.versions.node.split('.')[0]);
if (major < REQUIRED_NODE_MAJOR) {
  process.stderr.write(
    `coupon-issuance needs Node ${REQUIRED_NODE_MAJOR} LTS (this is ${process.version}): ` +
      `install it (nvm install, see .nvmrc), or run through scripts/node24.sh, which fetches it\n`,
  );
  process.exit(1);
}
