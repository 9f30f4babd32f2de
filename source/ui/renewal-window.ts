/** Days before a certificate expires that it is due for renewal: `status`'s default --warn-days. */
export const renewDaysBefore = 30;
