// Notes and dispositions: the call panel's form, the admins' list (Team → Dispositions), and how
// history names them.
export { DispositionsEditor } from './DispositionsEditor';
export { WrapUpForm } from './WrapUpForm';
export { dispositionLabel } from './words';
