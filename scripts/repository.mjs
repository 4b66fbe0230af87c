// Where the project lives. There is no public repository yet: this placeholder is the one place to
// change when there is. Package metadata (`repository`, `homepage`, `bugs`), the absolute links in
// package READMEs and the site's links out of docs/ are all checked against or built from it.
export const REPOSITORY_URL = "https://github.com/scopegate/scopegate";

/** The URL of a file or folder of the repository on its default branch. */
export const repositoryFileUrl = (path) => `${REPOSITORY_URL}/blob/main/${path}`;
