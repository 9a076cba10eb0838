// Stands in, in Lambda bundles, for packages that mjml and cheerio import but Herald never calls:
// fetching a URL (undici), sniffing a byte stream's encoding, minifying and beautifying HTML. Leaving
// them out keeps about 20 MB of code out of every rendering function's memory.
module.exports = {};
