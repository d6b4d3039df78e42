const useColor = process.stderr.isTTY && !process.env.NO_COLOR;
const paint = (code, text) => (useColor ? `\x1b[${code}m${text}\x1b[0m` : text);

export const say = (msg) => process.stderr.write(`${paint('36', '▸')} ${msg}\n`);
export const fail = (msg) => process.stderr.write(`${paint('31', '✖')} ${msg}\n`);
export const bold = (text) => paint('1', text);
